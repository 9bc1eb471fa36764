package dev.reef.examples;

import dev.reef.ReefStats;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What happened in one run of {@link ReefDemo}, and which expectations failed.
 *
 * @param findingsStored findings the summarizer stored (all its instances together)
 * @param storedPerInstance findings stored by each summarizer instance, by label ({@code summarizer#1})
 * @param unmatchedAtReporter broadcast findings the reporter acknowledged without a handler
 * @param reportedFindings the number of findings in the report the demo got back; -1 when no report came
 * @param reportSummary the summary in that report, or null
 * @param deadLettersListed dead letters listed after the findings were handled
 * @param deadLettersAfterReplay dead letters left after replaying them
 * @param findingsChecked ids of the findings the fact-checker checked, after the replay
 * @param stats Reef's counters at the end
 * @param problems expectations that failed, empty when the demo did what it should
 */
public record DemoOutcome(
    int findingsStored,
    Map<String, Integer> storedPerInstance,
    long unmatchedAtReporter,
    int reportedFindings,
    String reportSummary,
    int deadLettersListed,
    int deadLettersAfterReplay,
    Set<Integer> findingsChecked,
    ReefStats stats,
    List<String> problems) {

  /** Copies the collections. */
  public DemoOutcome {
    storedPerInstance = Map.copyOf(storedPerInstance);
    findingsChecked = Set.copyOf(findingsChecked);
    problems = List.copyOf(problems);
  }

  /** True when every expectation held. */
  public boolean succeeded() {
    return problems.isEmpty();
  }
}
