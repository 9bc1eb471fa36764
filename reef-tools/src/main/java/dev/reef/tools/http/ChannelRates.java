package dev.reef.tools.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-channel totals and rates read from the Reef's counters (SPEC §7), so that the dashboard shows
 * exactly what {@code /metrics} exports. Rates are the change over the last few seconds of samples.
 * Called from one thread at a time (the dashboard's timer).
 */
final class ChannelRates {
  /** The counters shown per channel, by the key they get in the dashboard's JSON. */
  static final Map<String, String> COUNTERS = orderedCounters();
  private static final long WINDOW_NANOS = 5_000_000_000L;

  private record Sample(long nanos, long sent, long handled) {}

  private final MeterRegistry registry;
  private final Map<String, Deque<Sample>> history = new HashMap<>();

  ChannelRates(MeterRegistry registry) {
    this.registry = registry;
  }

  private static Map<String, String> orderedCounters() {
    Map<String, String> counters = new LinkedHashMap<>();
    counters.put("sent", "reef.spores.sent");
    counters.put("received", "reef.spores.received");
    counters.put("handled", "reef.spores.handled");
    counters.put("failed", "reef.spores.failed");
    counters.put("retried", "reef.spores.retried");
    counters.put("dead_lettered", "reef.spores.dead_lettered");
    counters.put("expired", "reef.spores.expired");
    counters.put("duplicates", "reef.spores.duplicates");
    return Collections.unmodifiableMap(counters);
  }

  /**
   * One row per channel seen in the counters or named in {@code channelsOfAgents} (channel to the
   * agent names subscribed on it), taking a sample at {@code nowNanos} for the rates.
   */
  ArrayNode sample(long nowNanos, Map<String, Set<String>> channelsOfAgents) {
    Map<String, Map<String, Long>> totals = new TreeMap<>();
    channelsOfAgents.keySet().forEach(channel -> totals.computeIfAbsent(channel, c -> new HashMap<>()));
    COUNTERS.forEach((key, meter) -> {
      for (Counter counter : registry.find(meter).counters()) {
        String channel = counter.getId().getTag("channel");
        if (channel != null) {
          totals.computeIfAbsent(channel, c -> new HashMap<>()).merge(key, (long) counter.count(), Long::sum);
        }
      }
    });
    ArrayNode rows = HealthCheck.MAPPER.createArrayNode();
    totals.forEach((channel, counts) -> {
      long sent = counts.getOrDefault("sent", 0L);
      long handled = counts.getOrDefault("handled", 0L);
      Deque<Sample> samples = history.computeIfAbsent(channel, c -> new ArrayDeque<>());
      samples.addLast(new Sample(nowNanos, sent, handled));
      while (samples.size() > 2 && nowNanos - samples.peekFirst().nanos() > WINDOW_NANOS) {
        samples.removeFirst();
      }
      Sample oldest = samples.peekFirst();
      double seconds = (nowNanos - oldest.nanos()) / 1e9;
      ObjectNode row = rows.addObject();
      row.put("channel", channel);
      Set<String> agents = channelsOfAgents.getOrDefault(channel, Set.of());
      agents.stream().sorted().forEach(row.putArray("agents")::add);
      COUNTERS.keySet().forEach(key -> row.put(key, counts.getOrDefault(key, 0L)));
      row.put("sent_per_second", seconds > 0 ? round((sent - oldest.sent()) / seconds) : 0.0);
      row.put("handled_per_second", seconds > 0 ? round((handled - oldest.handled()) / seconds) : 0.0);
    });
    history.keySet().retainAll(totals.keySet());
    return rows;
  }

  private static double round(double rate) {
    return Math.round(rate * 10) / 10.0;
  }
}
