package dev.reef.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** What a reader needs to judge a figure: the machine, the JVM, how busy the machine was. */
final class Machine {
  private Machine() {}

  /** Prints the JVM, processor count, memory and heap. */
  static void describe(PrintStream out) {
    out.printf(Locale.ROOT, "jvm %s %s, %d processors, %s memory, max heap %d MiB, flags [%s]%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), totalMemory(), Runtime.getRuntime().maxMemory() >> 20,
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  /** Other processes on the machine skew both sides; the load average tells the reader how much. */
  static void printLoad(PrintStream out, String when) {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (load >= 0) {
      out.printf(Locale.ROOT, "system load average (1 min) %s: %.2f%n", when, load);
    }
  }

  /** The resident set size of process {@code pid} in KiB (Linux), or -1 when unknown. */
  static long residentKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private static String totalMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
    return "unknown";
  }
}
