package dev.reef.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test its own Reef: parameters of type {@link dev.reef.Reef} and {@link ReefTestContext}
 * are resolved to one fresh namespace on one fresh broker per test method, closed (and, on a real
 * broker, deleted) after it.
 *
 * <pre>{@code
 * @ReefTest
 * class GreeterTest {
 *   @Test
 *   void greets(Reef reef) {
 *     reef.channel("main").subscribe("greeter", (spore, ctx) -> Map.of("text", "hello"));
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>On a method, it overrides the class's {@link #backend()} for that method.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(ReefExtension.class)
public @interface ReefTest {

  /**
   * Where the test's Reef runs: {@link TestBackend#IN_MEMORY} (a private in-memory broker) or {@link
   * TestBackend#AMQP} (a RabbitMQ broker found as {@link TestBrokers#amqpUri()} says; a test that
   * finds none fails, saying how to get one).
   */
  TestBackend backend() default TestBackend.IN_MEMORY;
}
