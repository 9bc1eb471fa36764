package dev.reef.examples.trace;

import dev.reef.HandlerContext;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Map;

/**
 * Takes {@code {"type": "plan", "a": 2, "b": 3}} and asks the calculator to add: the request is the
 * third spore of the chain, the calculator's reply the fourth.
 */
@AgentDefinition(name = "planner")
public final class Planner {

  /** Called by the launcher. */
  public Planner() {}

  @OnSpore(respondsTo = "plan")
  void plan(Spore spore, HandlerContext context) {
    context.request("calculator", Map.of("type", "add", "a", spore.knowledge().get("a").asInt(),
        "b", spore.knowledge().get("b").asInt()), Duration.ofSeconds(10)).join();
  }
}
