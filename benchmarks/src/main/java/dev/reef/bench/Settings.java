package dev.reef.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The parameters of one benchmark run. Read from {@code --name=value} arguments, then {@code
 * -Dbench.name=value} system properties, then the defaults; {@code smoke} selects a tiny size for CI.
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
   * Reads the settings.
   *
   * @throws IllegalArgumentException naming an unknown or malformed parameter
   */
  static Settings from(String[] args, Map<String, String> systemProperties) {
    Map<String, String> given = new HashMap<>();
    systemProperties.forEach((key, value) -> {
      if (key.startsWith("bench.")) {
        given.put(key.substring("bench.".length()), value);
      }
    });
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
    }
    Settings base = Boolean.parseBoolean(given.remove("smoke")) ? SMOKE : DEFAULT;
    Settings settings = new Settings(
        intOr(given.remove("messages"), "messages", base.messages),
        intOr(given.remove("warmup"), "warmup", base.warmupRounds),
        intOr(given.remove("rounds"), "rounds", base.rounds),
        intOr(given.remove("window"), "window", base.window),
        intOr(given.remove("prefetch"), "prefetch", base.prefetch));
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown parameter(s) " + given.keySet()
          + "; known: smoke, messages, warmup, rounds, window, prefetch");
    }
    return settings;
  }

  private static int intOr(String value, String name, int fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
    }
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
