package dev.reef.internal.metrics;

import dev.reef.Action;
import dev.reef.ReefStats;
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
public final class ReefMetrics {
  public static final String SENT = "reef.spores.sent";
  public static final String RECEIVED = "reef.spores.received";
  public static final String HANDLED = "reef.spores.handled";
  public static final String FAILED = "reef.spores.failed";
  public static final String RETRIED = "reef.spores.retried";
  public static final String DEAD_LETTERED = "reef.spores.dead_lettered";
  public static final String EXPIRED = "reef.spores.expired";
  public static final String DUPLICATES = "reef.spores.duplicates";
  public static final String LATE_REPLIES = "reef.replies.late";
  public static final String REFUSED = "reef.actions.refused";
  public static final String SEND_FAILED = "reef.spores.send_failed";
  public static final String UNDECODABLE = "reef.spores.undecodable";
  public static final String IN_FLIGHT = "reef.spores.in_flight";
  public static final String HANDLER_LATENCY = "reef.handler.latency";
  public static final String ROUND_TRIP = "reef.request.round_trip";
  public static final String REJECTED = "reef.spores.rejected";

  private record Key(String name, String channel, String agent, String type) {}

  private final MeterRegistry registry;
  private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong(); // the process total, for stats and quiescence
  private final Map<Key, AtomicLongArray> inFlightByAgent = new ConcurrentHashMap<>();

  public ReefMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The unsettled deliveries of one agent on one channel in this process, one slot per spore type,
   * each exported as the gauge {@code reef.spores.in_flight} tagged by channel, agent and type.
   */
  public AtomicLongArray inFlight(String channel, String agent) {
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

  public MeterRegistry registry() {
    return registry;
  }

  public void count(String name, String channel, String agent, Spore spore) {
    count(name, channel, agent, spore.type().wireValue());
  }

  public void count(String name, String channel, String agent, String type) {
    counters.computeIfAbsent(new Key(name, channel, agent, type), key ->
        Counter.builder(key.name)
            .tag("channel", key.channel)
            .tag("agent", key.agent)
            .tag("type", key.type)
            .register(registry))
        .increment();
  }

  /** The sent and send-failed counters of one agent on one channel. */
  public SendCounters sendCounters(String channel, String agent) {
    return new SendCounters(counters(SENT, channel, agent), counters(SEND_FAILED, channel, agent));
  }

  /** The counters a sender's sends go to. */
  public record SendCounters(PerType sent, PerType failed) {}

  /** The counters {@code name} of one agent on one channel, one per spore type, made on first use. */
  public PerType counters(String name, String channel, String agent) {
    return new PerType(type -> counters.computeIfAbsent(new Key(name, channel, agent, type.wireValue()), key ->
        Counter.builder(key.name).tag("channel", key.channel).tag("agent", key.agent).tag("type", key.type)
            .register(registry)));
  }

  /** The timers {@code name} of one agent on one channel, one per spore type, made on first use. */
  public PerTypeTimer timers(String name, String channel, String agent) {
    return new PerTypeTimer(type -> timers.computeIfAbsent(new Key(name, channel, agent, type.wireValue()), key ->
        Timer.builder(key.name).tag("channel", key.channel).tag("agent", key.agent).tag("type", key.type)
            .register(registry)));
  }

  /** Counters per spore type, cached in an array so the hot path skips the registry and the map. */
  public static final class PerType {
    private final java.util.function.Function<SporeType, Counter> factory;
    private final Counter[] byType = new Counter[SporeType.values().length];

    private PerType(java.util.function.Function<SporeType, Counter> factory) {
      this.factory = factory;
    }

    public void increment(SporeType type) {
      Counter counter = byType[type.ordinal()];
      if (counter == null) {
        counter = factory.apply(type); // racing threads get the same registered counter
        byType[type.ordinal()] = counter;
      }
      counter.increment();
    }
  }

  /** Timers per spore type, cached like {@link PerType}. */
  public static final class PerTypeTimer {
    private final java.util.function.Function<SporeType, Timer> factory;
    private final Timer[] byType = new Timer[SporeType.values().length];

    private PerTypeTimer(java.util.function.Function<SporeType, Timer> factory) {
      this.factory = factory;
    }

    public void record(SporeType type, long nanos) {
      Timer timer = byType[type.ordinal()];
      if (timer == null) {
        timer = factory.apply(type);
        byType[type.ordinal()] = timer;
      }
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Counts a spore that failed signature verification, tagged by why ({@code reason}), never handled. */
  public void rejected(String channel, String agent, String reason) {
    counters.computeIfAbsent(new Key(REJECTED, channel, agent == null ? "-" : agent, reason), key ->
        Counter.builder(key.name)
            .description("Spores that failed signature verification and were never handled")
            .tag("channel", key.channel)
            .tag("agent", key.agent)
            .tag("reason", key.type)
            .register(registry))
        .increment();
  }

  /** Counts an action the authorizer or the rate limit refused; an operator's action counts as agent {@code -}. */
  public void refused(Action action, String channel, String agent) {
    count(REFUSED, channel == null ? "-" : channel, agent == null ? "-" : agent,
        action.name().toLowerCase(java.util.Locale.ROOT));
  }

  public void time(String name, String channel, String agent, String type, long nanos) {
    timers.computeIfAbsent(new Key(name, channel, agent, type), key ->
        Timer.builder(key.name)
            .tag("channel", key.channel)
            .tag("agent", key.agent)
            .tag("type", key.type)
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void heldOne() {
    inFlight.incrementAndGet();
  }

  public void settledOne() {
    inFlight.decrementAndGet();
  }

  public long inFlight() {
    return inFlight.get();
  }

  /** The counters summed over every tag, now. */
  public ReefStats snapshot() {
    return new Snapshot(
        sum(SENT), sum(RECEIVED), sum(HANDLED), sum(FAILED), sum(RETRIED), sum(DEAD_LETTERED),
        sum(EXPIRED), sum(DUPLICATES), sum(LATE_REPLIES), sum(REFUSED), sum(SEND_FAILED), sum(UNDECODABLE),
        sum(REJECTED), inFlight.get());
  }

  /** One reading of every counter. */
  private record Snapshot(long sent, long received, long handled, long failed, long retried, long deadLettered,
      long expired, long duplicates, long lateReplies, long refused, long sendFailures, long undecodable,
      long rejected, long inFlight) implements ReefStats {}

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
