package dev.reef.bench;

import java.io.InputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Round-trip times recorded by a requester JVM, and the line it prints about them: {@code LATENCY
 * inflight=N count=N p50=US p99=US mean=US}, in microseconds.
 */
final class Latencies {
  private static final Pattern LINE = Pattern.compile(
      "LATENCY inflight=(\\d+) count=(\\d+) p50=([0-9.]+) p99=([0-9.]+) mean=([0-9.]+)");

  private final long[] nanos;
  private final AtomicInteger count = new AtomicInteger();

  Latencies(int capacity) {
    this.nanos = new long[capacity];
  }

  /** Records one round trip; thread-safe. */
  void record(long roundTripNanos) {
    int at = count.getAndIncrement();
    if (at < nanos.length) {
      nanos[at] = roundTripNanos;
    }
  }

  int count() {
    return Math.min(count.get(), nanos.length);
  }

  /** The line a requester prints. */
  String line(int inFlight) {
    long[] sorted = Arrays.copyOf(nanos, count());
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0);
    return String.format(Locale.ROOT, "LATENCY inflight=%d count=%d p50=%.1f p99=%.1f mean=%.1f", inFlight,
        sorted.length, percentile(sorted, 50) / 1e3, percentile(sorted, 99) / 1e3, mean / 1e3);
  }

  /** The nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double percent) {
    if (sorted.length == 0) {
      throw new IllegalStateException("no round trip was recorded");
    }
    int rank = (int) Math.ceil(percent / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** A parsed {@code LATENCY} line. */
  record Summary(int inFlight, int count, double p50, double p99, double mean) {
    static Summary parse(String line) {
      Matcher matcher = LINE.matcher(line);
      if (!matcher.find()) {
        throw new IllegalArgumentException("not a LATENCY line: " + line);
      }
      return new Summary(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
          Double.parseDouble(matcher.group(3)), Double.parseDouble(matcher.group(4)),
          Double.parseDouble(matcher.group(5)));
    }
  }

  /** Blocks until standard input ends: how a serving role learns that the run is over. */
  static void awaitEndOfInput() throws IOException {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // nothing is said on standard input; its end is the signal
    }
  }
}
