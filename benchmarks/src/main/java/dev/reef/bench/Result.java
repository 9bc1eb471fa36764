package dev.reef.bench;

import java.util.Locale;

/**
 * The outcome of a comparison: the median rate of each side, in messages per second.
 *
 * @param scenario the scenario name
 * @param reef Reef's median rate
 * @param reference the reference's median rate
 */
record Result(String scenario, double reef, double reference) {

  /** Reef's rate over the reference's: higher is better for Reef. */
  double ratio() {
    return reef / reference;
  }

  /** The machine-readable last line of a run. */
  String line() {
    return String.format(Locale.ROOT, "RESULT scenario=%s reef=%.0f reference=%.0f unit=msgs/s ratio=%.3f",
        scenario, reef, reference, ratio());
  }
}
