package dev.reef.amqp;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gauge {@value #GAUGE}, tagged by namespace and connection role ({@code publish}, {@code
 * consume}): how many of those connections the broker blocks now (a resource alarm stops it reading
 * what they publish). Every backend on one registry adds to the same gauge, so that backends of one
 * namespace sharing a registry neither hide nor overwrite each other's state.
 */
final class BlockedConnections {
  static final String GAUGE = "reef.amqp.connection.blocked";

  /** Per registry (weakly: a registry no one uses goes), the count behind each gauge, by its tags. */
  private static final Map<MeterRegistry, Map<List<String>, AtomicInteger>> COUNTS = new WeakHashMap<>();

  private final AtomicInteger count;
  private final AtomicBoolean blocked = new AtomicBoolean();

  private BlockedConnections(AtomicInteger count) {
    this.count = count;
  }

  /** The state of one connection of {@code namespace} in role {@code role}, counted in {@code meters}' gauge. */
  static BlockedConnections of(MeterRegistry meters, String namespace, String role) {
    synchronized (COUNTS) {
      AtomicInteger count = COUNTS.computeIfAbsent(meters, registry -> new HashMap<>())
          .computeIfAbsent(List.of(namespace, role), tags -> {
            AtomicInteger made = new AtomicInteger();
            Gauge.builder(GAUGE, made, AtomicInteger::get).strongReference(true)
                .description("Connections the broker blocks now: it stops reading what they publish (a resource alarm)")
                .tag("namespace", namespace).tag("connection", role).register(meters);
            return made;
          });
      return new BlockedConnections(count);
    }
  }

  /** The broker blocks this connection. */
  void blocked() {
    if (blocked.compareAndSet(false, true)) {
      count.incrementAndGet();
    }
  }

  /** The broker unblocked it, or it is gone (a new connection starts unblocked). */
  void unblocked() {
    if (blocked.compareAndSet(true, false)) {
      count.decrementAndGet();
    }
  }
}
