package dev.reef.bench;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The outcome of a comparison: Reef's figure, the reference's (the limit: PerfTest, the plain client,
 * Vert.x's event bus), and, for the AMQP scenarios, the peer's (Spring AMQP, what a Java team would
 * write without Reef). Ratios are oriented so that higher is better for Reef.
 *
 * @param scenario the scenario name
 * @param reef Reef's figure
 * @param reference the reference's figure
 * @param unit the unit of every figure
 * @param moreIsBetter true for a rate, false for a time
 * @param peer the peer's figure, when the scenario has a peer
 */
record Result(String scenario, double reef, double reference, String unit, boolean moreIsBetter, OptionalDouble peer) {

  /** A comparison of rates (more is better): the ratio is reef over reference. */
  static Result rate(String scenario, double reef, double reference, String unit) {
    return new Result(scenario, reef, reference, unit, true, OptionalDouble.empty());
  }

  /** A comparison of durations (less is better): the ratio is reference over reef. */
  static Result time(String scenario, double reef, double reference, String unit) {
    return new Result(scenario, reef, reference, unit, false, OptionalDouble.empty());
  }

  /** The same comparison with the peer's figure, in the same unit. */
  Result withPeer(double peerFigure) {
    return new Result(scenario, reef, reference, unit, moreIsBetter, OptionalDouble.of(peerFigure));
  }

  /** {@code reef / reference} for a rate, {@code reference / reef} for a time. */
  double ratio() {
    return against(reference);
  }

  /**
   * Reef against the peer, oriented as {@link #ratio()}.
   *
   * @throws IllegalStateException when the scenario has no peer
   */
  double peerRatio() {
    return against(peerFigure());
  }

  /** The machine-readable last line of a run. */
  String line() {
    return String.format(Locale.ROOT, "RESULT scenario=%s reef=%s reference=%s unit=%s ratio=%.3f",
        scenario, figure(reef), figure(reference), unit, ratio());
  }

  /**
   * The machine-readable line of Reef against the peer, printed just before {@link #line()}.
   *
   * @throws IllegalStateException when the scenario has no peer
   */
  String peerLine() {
    return String.format(Locale.ROOT, "PEER scenario=%s reef=%s peer=%s unit=%s ratio=%.3f",
        scenario, figure(reef), figure(peerFigure()), unit, peerRatio());
  }

  /** Whole numbers for large figures, three significant decimals for small ones. */
  static String figure(double value) {
    return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.3g", value);
  }

  private double against(double other) {
    return moreIsBetter ? reef / other : other / reef;
  }

  private double peerFigure() {
    if (peer.isEmpty()) {
      throw new IllegalStateException("scenario " + scenario + " has no peer");
    }
    return peer.getAsDouble();
  }
}
