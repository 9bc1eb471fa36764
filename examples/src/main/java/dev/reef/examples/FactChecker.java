package dev.reef.examples;

import dev.reef.HandlerContext;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.Spore;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The flaky agent: it checks every finding at its source, and fails while a source is down. After
 * two failed attempts Reef gives up and dead-letters the spore; once the source is back, the dead
 * letter is replayed.
 */
@AgentDefinition(name = "fact-checker", channels = ReefDemo.CHANNEL, maxAttempts = 2)
final class FactChecker {
  private final Trace trace;
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
  private final SortedSet<Integer> checked = new ConcurrentSkipListSet<>();

  FactChecker(Trace trace, String unreachableSource) {
    this.trace = trace;
    unreachable.add(unreachableSource);
  }

  @OnSpore(respondsTo = "finding")
  void check(Spore spore, HandlerContext context) {
    Finding finding = Finding.fromKnowledge(spore.knowledge());
    if (unreachable.contains(finding.source())) {
      trace.say(context, "cannot reach " + finding.source() + " to check finding #" + finding.id()
          + " (attempt " + context.attempt() + ")");
      throw new IllegalStateException("source '" + finding.source() + "' is unreachable");
    }
    checked.add(finding.id());
    trace.say(context, "checked finding #" + finding.id() + " at " + finding.source());
  }

  void sourceIsBack(String source) {
    unreachable.remove(source);
  }

  /** The ids of the findings checked so far. */
  SortedSet<Integer> checked() {
    return checked;
  }
}
