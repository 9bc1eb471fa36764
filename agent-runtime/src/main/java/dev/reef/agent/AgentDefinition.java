package dev.reef.agent;

import dev.reef.Concurrency;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as an agent; its {@link OnSpore} methods are the handlers. Compiled into an {@link
 * AgentSpec} by {@link AgentSpec#fromAnnotated} or {@link AgentRuntime#register(Object)}.
 *
 * <pre>{@code
 * @AgentDefinition(name = "researcher", channels = "lab", maxAttempts = 5)
 * final class Researcher {
 *   @OnSpore(respondsTo = "topic")
 *   void research(Spore spore, HandlerContext ctx) { ctx.broadcast(Map.of("type", "finding", ...)); }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AgentDefinition {

  /** The agent name: 1–128 characters of {@code A-Z a-z 0-9 _ -}. */
  String name();

  /** The channels the agent listens on; each running instance subscribes to all of them. */
  String[] channels() default {AgentSpec.DEFAULT_CHANNEL};

  /** Sequential (one spore at a time, in order) or concurrent handling, per instance. */
  Concurrency concurrency() default Concurrency.SEQUENTIAL;

  /** Threads of the agent's worker pool. */
  int poolSize() default 1;

  /** The most unfinished spores one instance holds at once. */
  int prefetch() default 16;

  /** What the agent offers, for scatter-gather by capability. */
  String[] capabilities() default {};

  /** Handler attempts per spore, the first included, before it is dead-lettered. */
  int maxAttempts() default 3;
}
