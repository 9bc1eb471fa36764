package dev.reef.examples.distributed;

import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.SporeType;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Answers arithmetic requests, a typed agent: knowledge {@code {"type": "add", "a": 2, "b": 3}} (or
 * {@code subtract}, {@code multiply}, {@code divide}) arrives as an {@link Operation} record and the
 * {@link Result} record {@code {"type": "result", "operation": "add", "result": 5}} is the reply. A
 * request it cannot answer (a missing number, a division by zero) fails the caller's future with the
 * error; it is not retried, because asking again would not help.
 */
@AgentDefinition(name = "calculator", capabilities = "arithmetic", maxAttempts = 1)
public final class Calculator {

  /**
   * What the calculator is asked: the operation is the knowledge's {@code type}.
   *
   * @param type {@code add}, {@code subtract}, {@code multiply} or {@code divide}
   * @param a the first operand
   * @param b the second operand
   */
  public record Operation(String type, BigDecimal a, BigDecimal b) {}

  /**
   * What it answers.
   *
   * @param type always {@code result}
   * @param operation the operation done
   * @param result the number: integral results as integers (5, not 5.0)
   */
  public record Result(String type, String operation, Number result) {}

  /** Called by the launcher. */
  public Calculator() {}

  @OnSpore(respondsTo = {"add", "subtract", "multiply", "divide"}, types = SporeType.REQUEST)
  Result calculate(Operation operation) {
    BigDecimal a = require(operation.a(), "a");
    BigDecimal b = require(operation.b(), "b");
    BigDecimal result = switch (operation.type()) {
      case "add" -> a.add(b);
      case "subtract" -> a.subtract(b);
      case "multiply" -> a.multiply(b);
      default -> {
        if (b.signum() == 0) {
          throw new ArithmeticException("division by zero");
        }
        yield a.divide(b, MathContext.DECIMAL64);
      }
    };
    return new Result("result", operation.type(), plain(result));
  }

  private static BigDecimal require(BigDecimal value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("the knowledge needs a number '" + field + "'");
    }
    return value;
  }

  /** An integral result as a long (5, not 5.0), any other as a double. */
  private static Number plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() <= 0 && stripped.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
        && stripped.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0) {
      return stripped.longValueExact();
    }
    return stripped.doubleValue();
  }
}
