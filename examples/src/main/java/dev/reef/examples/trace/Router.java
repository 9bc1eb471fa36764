package dev.reef.examples.trace;

import dev.reef.HandlerContext;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import java.util.Map;

/**
 * Takes {@code {"type": "route", "a": 2, "b": 3}} and hands it on to the planner as {@code {"type":
 * "plan", ...}}: the second spore of a chain.
 */
@AgentDefinition(name = "router")
public final class Router {

  /** Called by the launcher. */
  public Router() {}

  @OnSpore(respondsTo = "route")
  void route(Spore spore, HandlerContext context) {
    context.send("planner", Map.of("type", "plan", "a", spore.knowledge().get("a").asInt(),
        "b", spore.knowledge().get("b").asInt())).join();
  }
}
