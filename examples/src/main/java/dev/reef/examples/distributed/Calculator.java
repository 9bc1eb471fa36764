package dev.reef.examples.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;

/**
 * Answers arithmetic requests: knowledge {@code {"type": "add", "a": 2, "b": 3}} (or {@code
 * subtract}, {@code multiply}, {@code divide}) gets the reply {@code {"result": 5}}. A request it
 * cannot answer (a missing number, a division by zero) fails the caller's future with the error; it
 * is not retried, because asking again would not help.
 */
@AgentDefinition(name = "calculator", capabilities = "arithmetic", maxAttempts = 1)
public final class Calculator {

  /** Called by the launcher. */
  public Calculator() {}

  @OnSpore(respondsTo = {"add", "subtract", "multiply", "divide"}, types = SporeType.REQUEST)
  Map<String, Object> calculate(Spore request) {
    String operation = request.knowledge().getString("type");
    BigDecimal a = number(request, "a");
    BigDecimal b = number(request, "b");
    BigDecimal result = switch (operation) {
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
    return Map.of("type", "result", "operation", operation, "result", plain(result));
  }

  private static BigDecimal number(Spore request, String field) {
    JsonNode value = request.knowledge().get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException("the knowledge needs a number '" + field + "', got " + value);
    }
    return value.decimalValue();
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
