package dev.reef.bench;

import java.util.Locale;

/**
 * The outcome of a comparison: Reef's figure, the reference's, and their ratio oriented so that
 * higher is better for Reef.
 *
 * @param scenario the scenario name
 * @param reef Reef's figure
 * @param reference the reference's figure
 * @param unit the unit of both figures
 * @param ratio {@code reef / reference} for a rate, {@code reference / reef} for a time
 */
record Result(String scenario, double reef, double reference, String unit, double ratio) {

  /** A comparison of rates (more is better): the ratio is reef over reference. */
  static Result rate(String scenario, double reef, double reference, String unit) {
    return new Result(scenario, reef, reference, unit, reef / reference);
  }

  /** A comparison of durations (less is better): the ratio is reference over reef. */
  static Result time(String scenario, double reef, double reference, String unit) {
    return new Result(scenario, reef, reference, unit, reference / reef);
  }

  /** The machine-readable last line of a run. */
  String line() {
    return String.format(Locale.ROOT, "RESULT scenario=%s reef=%s reference=%s unit=%s ratio=%.3f",
        scenario, figure(reef), figure(reference), unit, ratio);
  }

  /** Whole numbers for large figures, three significant decimals for small ones. */
  static String figure(double value) {
    return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.3g", value);
  }
}
