package dev.reef.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each side's figure for every measured round of a scenario, and what the report says of them: the
 * median, and the spread (the range of the rounds) beside it, so that a reader sees how steady a
 * figure was before comparing it.
 */
final class Figures {
  private final Map<String, List<Double>> bySide = new LinkedHashMap<>();

  /** Figures for {@code sides}, in the order the report names them. */
  Figures(List<String> sides) {
    sides.forEach(side -> bySide.put(side, new ArrayList<>()));
  }

  /** Records {@code side}'s figure of one measured round. */
  void add(String side, double value) {
    values(side).add(value);
  }

  double median(String side) {
    return Rates.median(values(side));
  }

  /** {@code min-max (±p%)} of {@code side}'s rounds. */
  String spread(String side) {
    return Rates.spread(values(side));
  }

  /**
   * The last round's rates: {@code reef 8,602 msgs/s, spring-amqp 7,900 msgs/s, perftest 11,337 msgs/s;
   * reef/spring-amqp 1.089, reef/perftest 0.759}, the ratios of the first side to each other one.
   */
  String lastRates(String unit) {
    List<String> sides = new ArrayList<>(bySide.keySet());
    List<String> rates = new ArrayList<>();
    List<String> ratios = new ArrayList<>();
    double first = last(sides.get(0));
    for (String side : sides) {
      rates.add(String.format(Locale.ROOT, "%s %,.0f %s", side, last(side), unit));
      if (!side.equals(sides.get(0))) {
        ratios.add(String.format(Locale.ROOT, "%s/%s %.3f", sides.get(0), side, first / last(side)));
      }
    }
    return String.join(", ", rates) + (ratios.isEmpty() ? "" : "; " + String.join(", ", ratios));
  }

  /** {@code reef 8,602 msgs/s, spread 8,262-9,247 (±6%)} for every side, separated by semicolons. */
  String summary(String unit) {
    List<String> parts = new ArrayList<>();
    for (String side : bySide.keySet()) {
      parts.add(String.format(Locale.ROOT, "%s %,.0f %s, spread %s", side, median(side), unit, spread(side)));
    }
    return String.join("; ", parts);
  }

  private double last(String side) {
    List<Double> values = values(side);
    if (values.isEmpty()) {
      throw new IllegalStateException("no round of " + side + " yet");
    }
    return values.get(values.size() - 1);
  }

  private List<Double> values(String side) {
    List<Double> values = bySide.get(side);
    if (values == null) {
      throw new IllegalArgumentException("unknown side '" + side + "'; sides: " + bySide.keySet());
    }
    return values;
  }
}
