package dev.reef.internal.history;

import dev.reef.HistoryCursor;
import dev.reef.HistoryRetention;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges of channel history (SPEC §7): per channel, the entries and bytes kept and the retention;
 * per cursor, its lag. Asking a broker costs a round trip or two, so a value is asked at most every
 * {@link #REFRESH}; a scrape never fails: a value the backend cannot give reads NaN.
 */
public final class HistoryMeters {
  public static final String ENTRIES = "reef.history.entries";
  public static final String BYTES = "reef.history.bytes";
  public static final String MAX_AGE = "reef.history.retention.max_age";
  public static final String MAX_BYTES = "reef.history.retention.max_bytes";
  public static final String CURSOR_LAG = "reef.history.cursor.lag";
  static final Duration REFRESH = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(HistoryMeters.class);

  private final MeterRegistry registry;
  private final Map<String, Cached> channels = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cursors = new ConcurrentHashMap<>();

  public HistoryMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the channel's gauges once; the retention's when known (this Reef turned history on). */
  void watch(HistoryLog log, HistoryRetention retention) {
    String channel = log.channel();
    Cached cached = channels.computeIfAbsent(channel, c -> {
      Cached made = new Cached(log);
      gauge(ENTRIES, channel, made, value -> value.bounds() == null ? Double.NaN : value.bounds().entries());
      gauge(BYTES, channel, made, value -> value.bounds() == null || value.bounds().bytes() < 0 ? Double.NaN
          : value.bounds().bytes());
      return made;
    });
    if (retention != null && cached.retention == null) {
      cached.retention = retention;
      gauge(MAX_AGE, channel, cached, value -> value.retention.maxAgeLimit().map(age -> age.toMillis() / 1000.0)
          .orElse(Double.NaN));
      gauge(MAX_BYTES, channel, cached, value -> value.retention.maxBytesLimit().isPresent()
          ? value.retention.maxBytesLimit().getAsLong() : Double.NaN);
    }
  }

  /** Registers a cursor's lag (in offsets), once per channel and name. */
  void watch(String channel, HistoryCursor cursor) {
    if (cursors.putIfAbsent(channel + "/" + cursor.name(), Boolean.TRUE) == null) {
      CachedLag lag = new CachedLag(cursor);
      Gauge.builder(CURSOR_LAG, lag, CachedLag::value).tag("channel", channel).tag("cursor", cursor.name())
          .description("offsets between a history cursor's committed position and the end of the history")
          .strongReference(true).register(registry);
    }
  }

  private void gauge(String name, String channel, Cached cached, ToDoubleFunction<Cached> value) {
    Gauge.builder(name, cached, value).tag("channel", channel).strongReference(true).register(registry);
  }

  /** Bounds asked at most every {@link #REFRESH}. */
  private static final class Cached {
    private final HistoryLog log;
    private volatile HistoryRetention retention;
    private HistoryBounds bounds; // guarded by this
    private long askedNanos; // guarded by this

    Cached(HistoryLog log) {
      this.log = log;
    }

    synchronized HistoryBounds bounds() {
      long now = System.nanoTime();
      if (bounds == null || now - askedNanos >= REFRESH.toNanos()) {
        askedNanos = now;
        try {
          bounds = log.isKept() ? log.bounds() : null;
        } catch (RuntimeException e) {
          LOG.debug("history gauges of '{}': {}", log.channel(), e.toString());
          bounds = null;
        }
      }
      return bounds;
    }
  }

  /** A cursor's lag asked at most every {@link #REFRESH}. */
  private static final class CachedLag {
    private final HistoryCursor cursor;
    private double lag = Double.NaN; // guarded by this
    private long askedNanos; // guarded by this

    CachedLag(HistoryCursor cursor) {
      this.cursor = cursor;
    }

    synchronized double value() {
      long now = System.nanoTime();
      if (askedNanos == 0 || now - askedNanos >= REFRESH.toNanos()) {
        askedNanos = now;
        try {
          lag = cursor.lag();
        } catch (RuntimeException e) {
          LOG.debug("lag of {}: {}", cursor, e.toString());
          lag = Double.NaN;
        }
      }
      return lag;
    }
  }
}
