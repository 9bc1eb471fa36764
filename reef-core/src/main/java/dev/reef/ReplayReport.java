package dev.reef;

import java.util.List;
import java.util.Map;

/**
 * What {@link DeadLetters#replayAll} did.
 *
 * @param replayed the ids replayed, in order
 * @param skipped the ids left in the dead letters, each with why
 */
public record ReplayReport(List<String> replayed, Map<String, String> skipped) {

  /** Copies the lists. */
  public ReplayReport {
    replayed = List.copyOf(replayed);
    skipped = Map.copyOf(skipped);
  }
}
