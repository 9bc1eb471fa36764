package dev.reef.internal.engine;

import dev.reef.AgentDirectory;
import dev.reef.Channel;
import dev.reef.DeadLetters;
import dev.reef.NamespaceAdmin;
import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.ReefOptions;
import dev.reef.ReefStats;
import dev.reef.internal.directory.DirectoryService;
import dev.reef.internal.history.HistoryMeters;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.internal.trace.SporeObservations;
import dev.reef.spi.BackendContext;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Reef}: assembles the engine's collaborators once, each with the narrow set it uses, and
 * closes them in order. It holds them; none of them holds it.
 */
final class ReefEngine implements Reef {
  private static final Logger LOG = LoggerFactory.getLogger(ReefEngine.class);
  /**
   * Final replies kept for requests that come again (a requester lost its reply with its connection):
   * at a hundred requests a second, well over a reconnect's worth.
   */
  private static final int RECENT_REPLIES = 10_000;
  private static final long RECENT_REPLY_BYTES = 16L << 20;
  /** Channel names a namespace uses for Reef's own broker objects (SPEC §5). */
  static final Set<String> RESERVED_CHANNELS = Set.of("dead", "retry", "reply", "presence", "history");

  /** What the facade holds: made by {@link #open}. */
  private record Parts(ReefOptions options, ReefBackend backend, Vertx vertx, boolean ownsVertx,
      ScheduledExecutorService timer, WorkerLane callbacks, Lifecycle lifecycle, ReefMetrics metrics,
      Outbox outbox, RequestTracker requests, Scatter scatter, Observers observers, AgentStarter agents,
      Instances instances, DirectoryService directory, DeadLetters deadLetters, NamespaceAdmin admin,
      Histories histories) {}

  private final Parts parts;
  private final Map<String, ChannelImpl> channels = new ConcurrentHashMap<>();

  private ReefEngine(Parts parts) {
    this.parts = parts;
  }

  /** Connects to the backend and assembles a Reef as {@code options} say. */
  static ReefEngine open(ReefOptions options) {
    String reefId = UUID.randomUUID().toString();
    JsonMapping json = options.json();
    MeterRegistry registry = options.meterRegistry().orElseGet(SimpleMeterRegistry::new);
    ReefMetrics metrics = new ReefMetrics(registry);
    ReefBackend backend = Backends.connect(options, new BackendContext(options.namespace(), json, registry));
    Vertx vertx = null;
    ScheduledExecutorService timer = null;
    try {
      vertx = options.vertx().orElseGet(Vertx::vertx);
      timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "reef-timer-" + reefId.substring(0, 6));
        thread.setDaemon(true);
        return thread;
      });
      Lifecycle lifecycle = new Lifecycle("this Reef (namespace '" + backend.namespace() + "')");
      Access access = new Access(options.authorizer(), metrics);
      Signatures signatures = new Signatures(options.signing(), metrics);
      SporeObservations observations = new SporeObservations(options.observationRegistry(), backend.messagingSystem());
      Outbox outbox = new Outbox(backend, lifecycle, access,
          new BroadcastRateLimiter(options.broadcastPermits(), options.broadcastPer().orElse(Duration.ZERO)),
          signatures, metrics, options.maxKnowledgeBytes(), observations,
          new RecentReplies(RECENT_REPLIES, RECENT_REPLY_BYTES));
      WorkerLane callbacks = WorkerLane.open(vertx, "reef-callbacks-" + reefId.substring(0, 6), 4, false);
      OpenStreams openStreams = new OpenStreams();
      RequestTracker requests = new RequestTracker(outbox, handler -> {
        lifecycle.ensureOpen();
        return backend.openReplyEndpoint(handler);
      }, timer, callbacks::execute, metrics, signatures, openStreams, json);
      Instances instances = new Instances(options.heartbeat());
      DirectoryService directory = new DirectoryService(reefId, hostName(), backend.site(), ProcessHandle.current().pid(),
          options.heartbeat(), timer, instances::describe);
      instances.announceWith(directory::announce);
      directory.start(backend::openPresence);
      DeliveryProcessor.ContextFactory contexts = (agent, delivery, spore, observation) -> new HandlerContextImpl(
          agent.channel(), agent.agentName(), agent.instanceId(), delivery, spore, outbox, requests, json, openStreams,
          observation);
      Histories histories = new Histories(backend, lifecycle, access, new HistoryMeters(registry));
      AgentStarter agents = new AgentStarter(new AgentStarter.Shared(backend, vertx, reefId, lifecycle, access,
          instances, new DuplicateWindows(), signatures, json, metrics, contexts, outbox::answerAgain, timer,
          observations, options.drainTimeout(), histories));
      return new ReefEngine(new Parts(options, backend, vertx, options.vertx().isEmpty(), timer, callbacks, lifecycle,
          metrics, outbox, requests, new Scatter(lifecycle, access, directory, requests, json),
          new Observers(lifecycle, access, backend), agents, instances, directory,
          new AuthorizedDeadLetters(backend, lifecycle, access, outbox), new Admin(lifecycle, access, backend),
          histories));
    } catch (RuntimeException | Error e) {
      if (timer != null) {
        timer.shutdownNow();
      }
      backend.close();
      if (vertx != null && options.vertx().isEmpty()) {
        vertx.close();
      }
      throw e;
    }
  }

  @Override
  public Channel channel(String name) {
    parts.lifecycle.ensureNotClosing();
    Names.require("channel name", name);
    if (RESERVED_CHANNELS.contains(name)) {
      throw new IllegalArgumentException("channel name '" + name + "' is reserved: brokers keep Reef's own "
          + RESERVED_CHANNELS + " objects beside the channels of a namespace");
    }
    ChannelImpl channel = channels.get(name);
    return channel != null ? channel : channels.computeIfAbsent(name, n -> new ChannelImpl(n, parts.outbox,
        parts.requests, parts.scatter, parts.observers, parts.agents, parts.options.json(), parts.histories));
  }

  @Override
  public AgentDirectory directory() {
    return parts.directory;
  }

  @Override
  public DeadLetters deadLetters() {
    parts.lifecycle.ensureOpen();
    return parts.deadLetters;
  }

  @Override
  public String namespace() {
    return parts.backend.namespace();
  }

  @Override
  public NamespaceAdmin admin() {
    parts.lifecycle.ensureOpen();
    return parts.admin;
  }

  @Override
  public JsonMapping json() {
    return parts.options.json();
  }

  @Override
  public boolean isConnected() {
    return !parts.lifecycle.isClosing() && parts.backend.isConnected();
  }

  @Override
  public ReefStats stats() {
    return parts.metrics.snapshot();
  }

  @Override
  public MeterRegistry meterRegistry() {
    return parts.metrics.registry();
  }

  @Override
  public Vertx vertx() {
    return parts.vertx;
  }

  @Override
  public boolean awaitQuiescence(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    int quietChecks = 0;
    while (System.nanoTime() < deadline) {
      boolean quiet;
      try {
        quiet = parts.metrics.inFlight() == 0 && parts.backend.queuedForLocalConsumers() == 0;
      } catch (ReefException e) {
        quiet = false; // a backend that cannot say how much waits is not known to be quiet
      }
      // Two consecutive quiet checks: a handler may be between settling one spore and sending the next.
      quietChecks = quiet ? quietChecks + 1 : 0;
      if (quietChecks >= 2) {
        return true;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  @Override
  public boolean isClosed() {
    return parts.lifecycle.isClosing();
  }

  @Override
  public void close() {
    close(parts.options.drainTimeout());
  }

  @Override
  public void close(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (!parts.lifecycle.beginClosing()) {
      return;
    }
    boolean threadsBack = parts.instances.stopAll(drainTimeout);
    parts.lifecycle.closed();
    parts.requests.close();
    parts.directory.close(Duration.ofSeconds(1));
    parts.backend.close();
    parts.callbacks.close(Duration.ofSeconds(5));
    parts.timer.shutdownNow();
    if (parts.ownsVertx && !threadsBack) {
      // Its close would wait on the worker thread a handler keeps: it goes on closing without us.
      parts.vertx.close();
      LOG.warn("closed without waiting for Vert.x: a handler that ignored its interrupt still holds a worker thread");
    } else if (parts.ownsVertx) {
      try {
        parts.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.warn("Vert.x did not close within 10 s: {}", e.toString());
      }
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }

  @Override
  public String toString() {
    return "Reef[" + parts.backend + "]";
  }
}
