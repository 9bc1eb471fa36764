package dev.reef.examples;

import dev.reef.HandlerContext;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An annotated agent that answers a report request by asking the summarizer in turn (a chain of
 * requests). It responds to no {@code finding}, so the broadcast findings it receives are counted
 * as unmatched.
 */
@AgentDefinition(name = "reporter", channels = ReefDemo.CHANNEL)
final class Reporter {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

  private final Trace trace;

  Reporter(Trace trace) {
    this.trace = trace;
  }

  @OnSpore(respondsTo = "report-request", types = SporeType.REQUEST)
  Map<String, Object> report(Spore request, HandlerContext context) throws Exception {
    trace.say(context, "asked for a report by " + request.fromAgent() + "; asking summarizer for a summary");
    Spore summary = context.request("summarizer", Map.of("type", "summary-request"), ASK_TIMEOUT)
        .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    trace.say(context, "got the summary; replying with the report");
    return Map.of(
        "type", "report",
        "title", "Coral reefs: what we learned",
        "findings", summary.knowledge().get("findings").intValue(),
        "summary", summary.knowledge().getString("text"));
  }
}
