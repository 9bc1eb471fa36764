package dev.reef.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The median and the spread of a scenario's rounds. */
final class Rates {
  private Rates() {}

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /** {@code min-max (±p%)}: the range of the rounds, and its half-width against the median. */
  static String spread(List<Double> values) {
    double min = Collections.min(values);
    double max = Collections.max(values);
    return String.format(Locale.ROOT, "%,.0f-%,.0f (±%.0f%%)", min, max, 50 * (max - min) / median(values));
  }
}
