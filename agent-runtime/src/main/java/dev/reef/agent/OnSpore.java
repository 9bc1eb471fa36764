package dev.reef.agent;

import dev.reef.spore.SporeType;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of an {@link AgentDefinition} class as a handler. The method takes, in any order,
 * any of: the {@link dev.reef.spore.Spore}, the {@link dev.reef.HandlerContext}, and the knowledge
 * read as one record or bean of its own (e.g. {@code Receipt on(Order order, HandlerContext ctx)});
 * knowledge that does not fit that type is dead-lettered at once with the reason. What it returns
 * becomes the reply to a request: a record or bean, an {@code Optional}, a {@code CompletionStage}
 * (answered when it completes), or {@code void}/null for a reply without knowledge. Exceptions it
 * throws fail the attempt, so the spore is retried and finally dead-lettered.
 *
 * <p>A handler naming the knowledge's {@code type} in {@link #respondsTo} wins over one that
 * responds to any type. Two handlers of one agent may not both claim the same knowledge type and
 * spore type.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnSpore {

  /**
   * Values of the knowledge's {@code type} field this handler takes (Praval's {@code
   * responds_to}); empty for any spore, including spores without a {@code type}.
   */
  String[] respondsTo() default {};

  /** Spore types this handler takes; empty for every type. */
  SporeType[] types() default {};
}
