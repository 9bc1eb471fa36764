package dev.reef.bench;

/**
 * The parameters of one benchmark run. Read from the run's {@link Params}; {@code smoke}
 * selects a tiny size for CI.
 *
 * @param messages spores (and event-bus messages) per side per round
 * @param warmupRounds rounds run first and discarded, letting the JIT settle
 * @param rounds measured rounds; the median of each side is reported
 * @param window the most messages sent but not yet seen by the handler, on both sides
 * @param prefetch the Reef subscription's prefetch
 */
record Settings(int messages, int warmupRounds, int rounds, int window, int prefetch) {

  /** The size the README's figures come from. */
  static final Settings DEFAULT = new Settings(5_000_000, 2, 5, 1_024, 16);
  /** Seconds in total, for CI: proves the scenario runs, measures nothing worth reading. */
  static final Settings SMOKE = new Settings(2_000, 1, 1, 256, 16);

  /** Checks the values. */
  Settings {
    requireAtLeast("messages", messages, 1);
    requireAtLeast("warmup", warmupRounds, 0);
    requireAtLeast("rounds", rounds, 1);
    requireAtLeast("window", window, 1);
    requireAtLeast("prefetch", prefetch, 1);
  }

  /**
   * Reads the settings from the run's parameters ({@code smoke=true}: {@link #SMOKE}).
   *
   * @throws IllegalArgumentException naming an unknown or malformed parameter
   */
  static Settings from(Params params) {
    Settings base = params.smoke() ? SMOKE : DEFAULT;
    return new Settings(
        params.intValue("messages", base.messages, base.messages, 1),
        params.intValue("warmup", base.warmupRounds, base.warmupRounds, 0),
        params.intValue("rounds", base.rounds, base.rounds, 1),
        params.intValue("window", base.window, base.window, 1),
        params.intValue("prefetch", base.prefetch, base.prefetch, 1));
  }

  private static void requireAtLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + value);
    }
  }

  @Override
  public String toString() {
    return "messages=" + messages + " warmup=" + warmupRounds + " rounds=" + rounds + " window=" + window
        + " prefetch=" + prefetch;
  }
}
