package dev.reef.tools.launch;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;

/**
 * The meter registry of an agent JVM: Reef's timers with percentiles (p50, p95, p99) and a histogram
 * Prometheus can aggregate across processes, and the JVM's own meters (memory, GC, threads, CPU,
 * classes, uptime) from Micrometer's binders. Reef's core registers plain timers; what a process
 * exports is decided here, where the process is set up.
 */
public final class Registries {
  /** The timers given percentiles and a histogram. */
  public static final Set<String> LATENCY_TIMERS = Set.of("reef.handler.latency", "reef.request.round_trip");
  /** The percentiles every latency timer reports. */
  static final double[] PERCENTILES = {0.5, 0.95, 0.99};

  private Registries() {}

  /** A Prometheus registry set up as the class comment says. The caller closes it with the process. */
  @SuppressWarnings("deprecation") // SPEC §7 names the simpleclient registry
  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    configure(registry);
    return registry;
  }

  /** Adds the latency distributions and the JVM meters to {@code registry}; call before Reef registers its meters. */
  public static void configure(MeterRegistry registry) {
    registry.config().meterFilter(latencyDistributions());
    new JvmMemoryMetrics().bindTo(registry);
    // The GC binder listens to GC notifications for the life of the process, as long as the registry.
    @SuppressWarnings("resource")
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Percentiles and a histogram bounded to 1 ms .. 60 s for the latency timers. */
  static MeterFilter latencyDistributions() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!LATENCY_TIMERS.contains(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentiles(PERCENTILES)
            .percentilesHistogram(true)
            .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
            .maximumExpectedValue((double) Duration.ofSeconds(60).toNanos())
            .build()
            .merge(config);
      }
    };
  }
}
