package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.Concurrency;
import dev.reef.SporeHandler;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.internal.trace.SporeObservations;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.HistoryLog;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts agent instances: checks and authorizes the subscription, opens the agent's worker lane,
 * wires a {@link DeliveryProcessor} to a backend consumer, and announces the instance.
 */
final class AgentStarter {
  private static final Logger LOG = LoggerFactory.getLogger(AgentStarter.class);
  /** Agent names whose queues would take the place of Reef's own objects of a channel. */
  static final java.util.Set<String> RESERVED_AGENT_NAMES = java.util.Set.of("history");

  /** Everything the instances of one Reef share. */
  record Shared(ReefBackend backend, Vertx vertx, String reefId, Lifecycle lifecycle, Access access,
      Instances instances, DuplicateWindows windows, Signatures signatures, JsonMapping json, ReefMetrics metrics,
      DeliveryProcessor.ContextFactory contexts, DeliveryProcessor.Answers answers, ScheduledExecutorService timer,
      SporeObservations observations, Duration drainTimeout, Histories histories) {}

  private final Shared shared;
  private final Map<String, Integer> poolSizes = new ConcurrentHashMap<>();

  AgentStarter(Shared shared) {
    this.shared = shared;
  }

  Subscription start(Channel channel, String agentName, SubscriptionOptions options, SporeHandler handler) {
    Names.require("agent name", agentName);
    if (RESERVED_AGENT_NAMES.contains(agentName)) {
      throw new IllegalArgumentException("agent name '" + agentName + "' is reserved: a channel's history is kept under"
          + " CHANNEL.history beside its agents' queues (SPEC §5)");
    }
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler must not be null");
    shared.lifecycle().ensureNotClosing();
    shared.access().check(new AccessRequest(Action.SUBSCRIBE, channel.name(), agentName, null, null));
    HistoryLog history = options.catchUpFrom().isPresent() ? historyToCatchUpOn(channel.name(), agentName) : null;
    String instanceId = UUID.randomUUID().toString();
    WorkerLane lane = openLane(channel.name(), agentName, options);
    HeldDeliveries held = new HeldDeliveries();
    DuplicateWindow window = shared.windows().of(channel.name(), agentName, options.duplicateWindow());
    BoundedLog warnings = new BoundedLog(LOG, 60);
    Outcomes outcomes = new Outcomes(channel.name(), agentName, options.retry(), window, held, shared.metrics(),
        warnings);
    DeliveryProcessor processor = new DeliveryProcessor(new DeliveryProcessor.Agent(channel, agentName, instanceId,
        handler, options.handlerTimeout().orElse(null)), lane, window, held, outcomes, shared.signatures(),
        shared.json(), shared.contexts(), shared.answers(), shared.metrics(), shared.timer(), shared.observations(),
        warnings);
    AgentInstance instance = new AgentInstance(channel.name(), agentName, instanceId, options.capabilities(),
        processor, outcomes, held, lane, shared.access(), shared.instances(), shared.drainTimeout());
    CatchUp catchUp = history == null ? null : new CatchUp(channel.name(), agentName, options.prefetch(), processor,
        shared.metrics(), shared.timer());
    ConsumerHandle consumer;
    try {
      consumer = shared.backend().consume(new ConsumerSpec(channel.name(), agentName, instanceId, options.prefetch()),
          catchUp != null ? catchUp : processor);
    } catch (RuntimeException e) {
      lane.close(Duration.ofSeconds(1));
      throw e;
    }
    instance.consuming(consumer);
    if (catchUp != null) {
      catchUp.start(history, options.catchUpFrom().get()); // the queue is bound now: the seam is set
    }
    // Not waited for: a subscribe costs the broker round trips of its queue, not one more for presence,
    // and announcements made meanwhile go out together (a JVM starting many agents).
    shared.instances().add(instance).whenComplete((ok, error) -> {
      if (error != null) {
        LOG.warn("agent '{}' on '{}' runs, but the directory could not announce it until its next heartbeat: {}",
            agentName, channel.name(), error.toString());
      }
    });
    return instance;
  }

  /** The history an agent catches up on: the channel must keep one, and the agent may read it. */
  private HistoryLog historyToCatchUpOn(String channel, String agent) {
    shared.access().check(new AccessRequest(Action.HISTORY_READ, channel, agent, null, null));
    HistoryLog log = shared.histories().log(channel);
    if (!log.isKept()) {
      throw new IllegalStateException("agent '" + agent + "' cannot catch up on channel '" + channel
          + "': the channel keeps no history (turn it on with channel.history().keep(retention))");
    }
    return log;
  }

  /**
   * The agent's lane on its pool, named per Reef, channel and agent, so that its instances share one
   * pool of the size they ask for; an instance asking for another size is refused, not quietly given
   * the first.
   */
  private WorkerLane openLane(String channel, String agent, SubscriptionOptions options) {
    String pool = "reef-" + agent + "@" + channel + "-" + shared.reefId().substring(0, 6);
    Integer size = poolSizes.putIfAbsent(pool, options.poolSize());
    if (size != null && size != options.poolSize()) {
      throw new IllegalArgumentException("agent '" + agent + "' on channel '" + channel + "' already runs on a pool of "
          + size + " thread(s) in this Reef; another instance cannot ask for " + options.poolSize());
    }
    return WorkerLane.open(shared.vertx(), pool, options.poolSize(),
        options.concurrency() == Concurrency.SEQUENTIAL, options.virtualThreads());
  }
}
