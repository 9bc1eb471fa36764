package dev.reef.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the scenarios share: their child JVM flags, their echo, the order of their sides, and how they
 * print a URI.
 */
final class Scenarios {
  private Scenarios() {}

  /** {@code jvm-flags}: space-separated flags for every JVM a scenario starts, the same for both sides. */
  static List<String> jvmFlags(Params params) {
    String flags = params.text("jvm-flags", "").trim();
    return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
  }

  /** {@code verbose=true}: copy every line of the child JVMs to {@code out}. */
  static PrintStream echo(Params params, PrintStream out) {
    return Boolean.parseBoolean(params.text("verbose", "false")) ? out : null;
  }

  /**
   * The order of the sides in round {@code round} (from 1): the list rotated by one place per round,
   * so that each side goes first in turn and none always inherits another's load on the broker.
   */
  static List<String> order(List<String> sides, int round) {
    List<String> order = new ArrayList<>(sides);
    Collections.rotate(order, -((round - 1) % sides.size()));
    return order;
  }

  /** Prints the medians and spreads of every side, then the {@code PEER} line, then the {@code RESULT} line. */
  static void printMedians(PrintStream out, Figures figures, int rounds, String unit, Result result) {
    out.printf(Locale.ROOT, "median of %d rounds: %s%n", rounds, figures.summary(unit));
    out.println(result.peerLine());
    out.println(result.line());
  }

  /** The URI without its password. */
  static String masked(String uri) {
    return uri.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
  }
}
