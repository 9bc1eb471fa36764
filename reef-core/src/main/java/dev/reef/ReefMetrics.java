package dev.reef;

import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The meters of SPEC §7, tagged by channel, agent and spore type, and the {@link ReefStats} summed
 * from them. Meters are cached by key so the hot path does one map lookup, not a registry search.
 */
final class ReefMetrics {
  static final String SENT = "reef.spores.sent";
  static final String RECEIVED = "reef.spores.received";
  static final String HANDLED = "reef.spores.handled";
  static final String FAILED = "reef.spores.failed";
  static final String RETRIED = "reef.spores.retried";
  static final String DEAD_LETTERED = "reef.spores.dead_lettered";
  static final String EXPIRED = "reef.spores.expired";
  static final String DUPLICATES = "reef.spores.duplicates";
  static final String LATE_REPLIES = "reef.replies.late";
  static final String REFUSED = "reef.actions.refused";
  static final String SEND_FAILED = "reef.spores.send_failed";
  static final String UNDECODABLE = "reef.spores.undecodable";
  static final String IN_FLIGHT = "reef.spores.in_flight";
  static final String HANDLER_LATENCY = "reef.handler.latency";
  static final String ROUND_TRIP = "reef.request.round_trip";

  private record Key(String name, String channel, String agent, String type) {}

  private final MeterRegistry registry;
  private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong(); // the process total, for stats and quiescence
  private final Map<Key, AtomicLongArray> inFlightByAgent = new ConcurrentHashMap<>();

  ReefMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The unsettled deliveries of one agent on one channel in this process, one slot per spore type,
   * each exported as the gauge {@code reef.spores.in_flight} tagged by channel, agent and type.
   */
  AtomicLongArray inFlight(String channel, String agent) {
    return inFlightByAgent.computeIfAbsent(new Key(IN_FLIGHT, channel, agent, "*"), key -> {
      AtomicLongArray byType = new AtomicLongArray(SporeType.values().length);
      for (SporeType type : SporeType.values()) {
        Gauge.builder(IN_FLIGHT, byType, slots -> slots.get(type.ordinal()))
            .description("Deliveries held by this process's instances of the agent, not yet settled")
            .tag("channel", channel)
            .tag("agent", agent)
            .tag("type", type.wireValue())
            .register(registry);
      }
      return byType;
    });
  }

  MeterRegistry registry() {
    return registry;
  }

  void count(String name, String channel, String agent, Spore spore) {
    count(name, channel, agent, spore.type().wireValue());
  }

  void count(String name, String channel, String agent, String type) {
    counters.computeIfAbsent(new Key(name, channel, agent, type), key ->
        Counter.builder(key.name)
            .tag("channel", key.channel)
            .tag("agent", key.agent)
            .tag("type", key.type)
            .register(registry))
        .increment();
  }

  /** Counts a send as sent once the backend took it, or as failed (and logs why). */
  java.util.concurrent.CompletableFuture<Void> countSend(
      java.util.concurrent.CompletableFuture<Void> sent, String channel, Spore spore) {
    return sent.whenComplete((ok, error) -> {
      if (error == null) {
        count(SENT, channel, spore.fromAgent(), spore);
      } else {
        count(SEND_FAILED, channel, spore.fromAgent(), spore);
        org.slf4j.LoggerFactory.getLogger(ReefMetrics.class).debug("send of spore {} on '{}' failed: {}",
            spore.id(), channel, RequestTracker.unwrap(error).toString());
      }
    });
  }

  /**
   * Counts a send as {@link #countSend(java.util.concurrent.CompletableFuture, String, Spore)} does,
   * with the sender's counters looked up once by the caller instead of per send.
   */
  java.util.concurrent.CompletableFuture<Void> countSend(
      java.util.concurrent.CompletableFuture<Void> sent, SendCounters counters, String channel, Spore spore) {
    return sent.whenComplete((ok, error) -> {
      if (error == null) {
        counters.sent.increment(spore.type());
      } else {
        counters.failed.increment(spore.type());
        org.slf4j.LoggerFactory.getLogger(ReefMetrics.class).debug("send of spore {} on '{}' failed: {}",
            spore.id(), channel, RequestTracker.unwrap(error).toString());
      }
    });
  }

  /** The sent and send-failed counters of one agent on one channel. */
  SendCounters sendCounters(String channel, String agent) {
    return new SendCounters(counters(SENT, channel, agent), counters(SEND_FAILED, channel, agent));
  }

  /** The counters a sender's sends go to. */
  record SendCounters(PerType sent, PerType failed) {}

  /** The counters {@code name} of one agent on one channel, one per spore type, made on first use. */
  PerType counters(String name, String channel, String agent) {
    return new PerType(type -> counters.computeIfAbsent(new Key(name, channel, agent, type.wireValue()), key ->
        Counter.builder(key.name).tag("channel", key.channel).tag("agent", key.agent).tag("type", key.type)
            .register(registry)));
  }

  /** The timers {@code name} of one agent on one channel, one per spore type, made on first use. */
  PerTypeTimer timers(String name, String channel, String agent) {
    return new PerTypeTimer(type -> timers.computeIfAbsent(new Key(name, channel, agent, type.wireValue()), key ->
        Timer.builder(key.name).tag("channel", key.channel).tag("agent", key.agent).tag("type", key.type)
            .register(registry)));
  }

  /** Counters per spore type, cached in an array so the hot path skips the registry and the map. */
  static final class PerType {
    private final java.util.function.Function<SporeType, Counter> factory;
    private final Counter[] byType = new Counter[SporeType.values().length];

    private PerType(java.util.function.Function<SporeType, Counter> factory) {
      this.factory = factory;
    }

    void increment(SporeType type) {
      Counter counter = byType[type.ordinal()];
      if (counter == null) {
        counter = factory.apply(type); // racing threads get the same registered counter
        byType[type.ordinal()] = counter;
      }
      counter.increment();
    }
  }

  /** Timers per spore type, cached like {@link PerType}. */
  static final class PerTypeTimer {
    private final java.util.function.Function<SporeType, Timer> factory;
    private final Timer[] byType = new Timer[SporeType.values().length];

    private PerTypeTimer(java.util.function.Function<SporeType, Timer> factory) {
      this.factory = factory;
    }

    void record(SporeType type, long nanos) {
      Timer timer = byType[type.ordinal()];
      if (timer == null) {
        timer = factory.apply(type);
        byType[type.ordinal()] = timer;
      }
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  void refused(Action action, String channel, String agent) {
    count(REFUSED, channel, agent, action.name().toLowerCase(java.util.Locale.ROOT));
  }

  void time(String name, String channel, String agent, String type, long nanos) {
    timers.computeIfAbsent(new Key(name, channel, agent, type), key ->
        Timer.builder(key.name)
            .tag("channel", key.channel)
            .tag("agent", key.agent)
            .tag("type", key.type)
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void heldOne() {
    inFlight.incrementAndGet();
  }

  void settledOne() {
    inFlight.decrementAndGet();
  }

  long inFlight() {
    return inFlight.get();
  }

  ReefStats snapshot() {
    return new ReefStats(
        sum(SENT), sum(RECEIVED), sum(HANDLED), sum(FAILED), sum(RETRIED), sum(DEAD_LETTERED),
        sum(EXPIRED), sum(DUPLICATES), sum(LATE_REPLIES), sum(REFUSED), sum(SEND_FAILED), sum(UNDECODABLE),
        inFlight.get());
  }

  private long sum(String name) {
    double total = 0;
    for (Map.Entry<Key, Counter> entry : counters.entrySet()) {
      if (entry.getKey().name.equals(name)) {
        total += entry.getValue().count();
      }
    }
    return (long) total;
  }
}
