package dev.reef.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** What the scenarios share: their child JVM flags, their echo, and how they print a URI. */
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

  /** The URI without its password. */
  static String masked(String uri) {
    return uri.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
  }
}
