package dev.reef.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receive rates sampled once a second by a consumer JVM, in PerfTest's own line format ({@code
 * time 3.000 s, ... received: 4675 msg/s ...}), so that Reef's consumers and PerfTest's are read
 * by one parser and judged by one rule: the steady rate, the mean of the interval rates without the
 * intervals before the first delivery, the first quarter of the intervals with deliveries (at least
 * one: connections and the JIT warming up, which takes seconds on two cores) and the last one (cut
 * short by the end of the run). Agents are long-running processes: their steady rate is what counts.
 */
final class Intervals {
  /** The share of the intervals with deliveries counted as warm-up (at least one interval). */
  static final int WARM_UP_PERCENT = 25;
  private static final Pattern LINE = Pattern.compile("time ([0-9.]+) s, .*received: ([0-9]+) msg/s");

  /** One interval: its end in seconds since the consumer started, and its receive rate. */
  record Sample(double endSeconds, long ratePerSecond) {}

  private Intervals() {}

  /** The samples among {@code lines}. */
  static List<Sample> parse(List<String> lines) {
    List<Sample> samples = new ArrayList<>();
    for (String line : lines) {
      Matcher matcher = LINE.matcher(line);
      if (matcher.find()) {
        samples.add(new Sample(Double.parseDouble(matcher.group(1)), Long.parseLong(matcher.group(2))));
      }
    }
    return samples;
  }

  /**
   * The steady receive rate: the mean rate of the intervals between warm-up and the last interval
   * with deliveries. A run too short to have such intervals is measured over every interval with
   * deliveries.
   *
   * @throws IllegalStateException when no interval had deliveries
   */
  static double steadyRate(List<Sample> samples) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < samples.size(); i++) {
      if (samples.get(i).ratePerSecond() > 0) {
        if (first < 0) {
          first = i;
        }
        last = i;
      }
    }
    if (first < 0) {
      throw new IllegalStateException("no interval had deliveries: " + samples);
    }
    int from = first + Math.max(1, (last - first + 1) * WARM_UP_PERCENT / 100);
    int to = last - 1; // inclusive
    if (from > to) {
      from = first;
      to = last;
    }
    double sum = 0;
    for (int i = from; i <= to; i++) {
      sum += samples.get(i).ratePerSecond();
    }
    return sum / (to - from + 1);
  }

  /** True when some interval had deliveries. */
  static boolean anyDeliveries(List<Sample> samples) {
    return samples.stream().anyMatch(sample -> sample.ratePerSecond() > 0);
  }

  /**
   * Prints a sample of {@code received} every second to {@code out} until stopped, as PerfTest does.
   * Returns the reporter; {@code shutdownNow} stops it.
   */
  static ScheduledExecutorService report(AtomicLong received, PrintStream out) {
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-intervals");
      thread.setDaemon(true);
      return thread;
    });
    long start = System.nanoTime();
    long[] previous = {0, start};
    reporter.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      long count = received.get();
      double seconds = (now - previous[1]) / 1e9;
      out.printf(Locale.ROOT, "time %.3f s, received: %d msg/s%n", (now - start) / 1e9,
          Math.round((count - previous[0]) / seconds));
      out.flush();
      previous[0] = count;
      previous[1] = now;
    }, 1, 1, TimeUnit.SECONDS);
    return reporter;
  }
}
