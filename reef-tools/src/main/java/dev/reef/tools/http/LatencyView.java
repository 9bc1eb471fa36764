package dev.reef.tools.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Handler latency and request round trips of this process, with the percentiles the registry keeps
 * (p50, p95, p99 when the tools set it up; see {@code Registries}), one row per timer (agent,
 * channel, spore type). Percentiles are this process's: they cannot be added across processes
 * (Prometheus does that from the histogram).
 */
final class LatencyView {
  private static final List<String> TIMERS = List.of("reef.handler.latency", "reef.request.round_trip");

  private LatencyView() {}

  static ArrayNode rows(MeterRegistry registry) {
    ArrayNode rows = HealthCheck.MAPPER.createArrayNode();
    for (String name : TIMERS) {
      registry.find(name).timers().stream()
          .filter(timer -> timer.count() > 0)
          .sorted(Comparator.comparing((Timer timer) -> String.valueOf(timer.getId().getTag("agent")))
              .thenComparing(timer -> String.valueOf(timer.getId().getTag("channel")))
              .thenComparing(timer -> String.valueOf(timer.getId().getTag("type"))))
          .forEach(timer -> rows.add(row(name, timer)));
    }
    return rows;
  }

  private static ObjectNode row(String name, Timer timer) {
    HistogramSnapshot snapshot = timer.takeSnapshot();
    ObjectNode row = HealthCheck.MAPPER.createObjectNode();
    row.put("timer", name.equals("reef.handler.latency") ? "handler" : "round trip");
    row.put("agent", timer.getId().getTag("agent"));
    row.put("channel", timer.getId().getTag("channel"));
    row.put("type", timer.getId().getTag("type"));
    row.put("count", snapshot.count());
    row.put("mean_ms", round(snapshot.mean(TimeUnit.MILLISECONDS)));
    row.put("max_ms", round(snapshot.max(TimeUnit.MILLISECONDS)));
    ObjectNode percentiles = row.putObject("percentiles_ms");
    for (ValueAtPercentile value : snapshot.percentileValues()) {
      percentiles.put(String.format(Locale.ROOT, "p%d", Math.round(value.percentile() * 100)),
          round(value.value(TimeUnit.MILLISECONDS)));
    }
    return row;
  }

  private static double round(double millis) {
    return Math.round(millis * 100) / 100.0;
  }
}
