package dev.reef.examples;

import dev.reef.HandlerContext;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;

/** An annotated agent: given a topic, it broadcasts what it finds to every other agent. */
@AgentDefinition(name = "researcher", channels = ReefDemo.CHANNEL)
final class Researcher {
  private final Trace trace;

  Researcher(Trace trace) {
    this.trace = trace;
  }

  @OnSpore(respondsTo = "topic")
  void research(Spore spore, HandlerContext context) {
    trace.say(context, "researching '" + spore.knowledge().getString("topic") + "'");
    for (Finding finding : Finding.CORAL_REEFS) {
      trace.say(context, "broadcasting finding #" + finding.id() + " (" + finding.keyword() + ")");
      context.broadcast(finding.toKnowledge()).join(); // join: the backend has it before the next one goes
    }
  }
}
