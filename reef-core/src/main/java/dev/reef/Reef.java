package dev.reef;

import dev.reef.spi.ReefBackend;
import dev.reef.spore.Names;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entry point: channels of spores on a backend.
 *
 * <pre>{@code
 * try (Reef reef = Reef.builder().build()) {          // in-memory unless told otherwise
 *   Channel main = reef.channel("main");
 *   main.subscribe("echo", (spore, ctx) -> spore.knowledge());
 *   Spore reply = main.request("me", "echo", Map.of("say", "hi"), Duration.ofSeconds(1)).join();
 * }
 * }</pre>
 *
 * <p>Thread-safe. One Reef is one connection to its backend; several Reefs on one broker behave as
 * several JVMs.
 */
public final class Reef implements AutoCloseable {
  /** Channel names a namespace uses for Reef's own broker objects (SPEC §5). */
  static final Set<String> RESERVED_CHANNELS = Set.of("dead", "retry", "reply", "presence");

  private final ReefBackend backend;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final ReefMetrics metrics;
  private final Authorizer authorizer;
  private final BroadcastRateLimiter rateLimiter;
  private final int maxKnowledgeBytes;
  private final Duration drainTimeout;
  private final ScheduledExecutorService timer;
  private final RequestTracker requests;
  private final Map<String, ChannelImpl> channels = new ConcurrentHashMap<>();
  private final Map<String, DuplicateWindow> duplicateWindows = new ConcurrentHashMap<>();
  private final Set<AgentInstance> instances = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed; // set once instances have drained: handlers may still send while draining

  private Reef(Builder builder) {
    ReefBackend connected = builder.backend != null ? builder.backend : Backends.connect(builder.uri, builder.namespace);
    this.ownsVertx = builder.vertx == null;
    this.vertx = ownsVertx ? Vertx.vertx() : builder.vertx;
    this.metrics = new ReefMetrics(builder.meterRegistry != null ? builder.meterRegistry : new SimpleMeterRegistry());
    // Signing wraps the connection, so that every way out (sends, replies) and in (deliveries, replies) passes it.
    this.backend = builder.signing == null ? connected : builder.signing.protect(connected, metrics.registry());
    this.authorizer = builder.authorizer;
    this.rateLimiter = new BroadcastRateLimiter(builder.broadcastPermits, builder.broadcastPer);
    this.maxKnowledgeBytes = builder.maxKnowledgeBytes;
    this.drainTimeout = builder.drainTimeout;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "reef-timer");
      thread.setDaemon(true);
      return thread;
    });
    this.requests = new RequestTracker(this);
  }

  /** A builder; with no backend or URI set, it builds an in-memory Reef. */
  public static Builder builder() {
    return new Builder();
  }

  /** A Reef on a private in-memory broker (needs {@code reef-inmemory} on the class path). */
  public static Reef inMemory() {
    return builder().build();
  }

  /**
   * The channel called {@code name}.
   *
   * @throws IllegalArgumentException when the name is not 1–128 characters of {@code A-Z a-z 0-9 _ -},
   *     or is one of the reserved names {@code dead}, {@code retry}, {@code reply}, {@code presence}
   */
  public Channel channel(String name) {
    ensureNotClosing();
    Names.require("channel name", name);
    if (RESERVED_CHANNELS.contains(name)) {
      throw new IllegalArgumentException("channel name '" + name + "' is reserved: brokers keep Reef's own "
          + RESERVED_CHANNELS + " objects beside the channels of a namespace");
    }
    return channels.computeIfAbsent(name, n -> new ChannelImpl(this, n));
  }

  /** The dead letters of this Reef's namespace. */
  public DeadLetters deadLetters() {
    ensureOpen();
    return backend.deadLetters();
  }

  /** True while the backend's connection is up: false while it recovers from a loss, and once closed. */
  public boolean isConnected() {
    return !closed && backend.isConnected();
  }

  /** A snapshot of the counters. */
  public ReefStats stats() {
    return metrics.snapshot();
  }

  /** The registry this Reef's meters live in. */
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** The Vert.x instance whose worker pools run the handlers. */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * Waits until no spore is queued for, or held by, this Reef's agent instances, and no retry is
   * pending (Praval's {@code wait_for_completion}).
   *
   * @return true when quiet, false when {@code timeout} passed first
   */
  public boolean awaitQuiescence(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    int quietChecks = 0;
    while (System.nanoTime() < deadline) {
      boolean quiet = metrics.inFlight() == 0 && backend.queuedForLocalConsumers() == 0;
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

  /** True once {@link #close} has begun. */
  public boolean isClosed() {
    return closing.get();
  }

  /** Closes with the builder's drain timeout (default 10 s). */
  @Override
  public void close() {
    close(drainTimeout);
  }

  /**
   * Stops every agent instance (unfinished handlers get up to {@code drainTimeout}; spores not
   * started return to their queues), fails pending requests, and closes the backend and, if this Reef
   * made it, Vert.x. Idempotent.
   */
  public void close(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    AgentInstance.closeAll(instances, drainTimeout);
    closed = true;
    requests.close();
    backend.close();
    timer.shutdownNow();
    if (ownsVertx) {
      vertx.close().await();
    }
  }

  /** Throws once closed. While closing, unfinished handlers may still send and reply. */
  void ensureOpen() {
    if (closed) {
      throw new ReefClosedException("this Reef is closed");
    }
  }

  /** Throws once closing has begun: no new agent instances. */
  void ensureNotClosing() {
    if (closing.get()) {
      throw new ReefClosedException("this Reef is closed");
    }
  }

  ReefBackend backend() {
    return backend;
  }

  ReefMetrics metrics() {
    return metrics;
  }

  Authorizer authorizer() {
    return authorizer;
  }

  BroadcastRateLimiter rateLimiter() {
    return rateLimiter;
  }

  int maxKnowledgeBytes() {
    return maxKnowledgeBytes;
  }

  Duration drainTimeout() {
    return drainTimeout;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  RequestTracker requests() {
    return requests;
  }

  Set<AgentInstance> instances() {
    return instances;
  }

  DuplicateWindow duplicateWindow(String channel, String agentName, int size) {
    return duplicateWindows.computeIfAbsent(channel + '/' + agentName, key -> new DuplicateWindow(size));
  }

  /** Builds a {@link Reef}. */
  public static final class Builder {
    private ReefBackend backend;
    private URI uri;
    private String namespace = "reef";
    private Vertx vertx;
    private MeterRegistry meterRegistry;
    private Authorizer authorizer = Authorizer.ALLOW_ALL;
    private int broadcastPermits;
    private Duration broadcastPer;
    private int maxKnowledgeBytes = 10 * 1024 * 1024;
    private Duration drainTimeout = Duration.ofSeconds(10);
    private dev.reef.security.SporeSigning signing;

    private Builder() {}

    /**
     * Signs the spores this Reef sends and/or verifies those it receives, as {@code signing} says
     * (default: neither). See {@link dev.reef.security.SporeSigning}.
     */
    public Builder signing(dev.reef.security.SporeSigning signing) {
      this.signing = Objects.requireNonNull(signing, "signing");
      return this;
    }

    /** Uses this backend connection (the Reef closes it). */
    public Builder backend(ReefBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * Connects to the backend a URI names: {@code memory:} (a private in-memory broker), {@code
     * memory://NAME} (an in-memory broker shared by name within the JVM), {@code amqp://...}.
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      try {
        this.uri = Backends.parse(uri);
      } catch (IllegalArgumentException e) {
        // Neither e's message nor e itself as the cause: both quote the whole URI, password included.
        throw new IllegalArgumentException("invalid backend URI: " + (e.getCause() instanceof java.net.URISyntaxException
            syntax ? syntax.getReason() + " at index " + syntax.getIndex() : "it is malformed"));
      }
      return this;
    }

    /** The namespace prefixing every broker object (default {@code reef}). */
    public Builder namespace(String namespace) {
      this.namespace = Names.require("namespace", namespace);
      return this;
    }

    /** Runs handlers on this Vert.x (default: a Vert.x the Reef makes and closes). */
    public Builder vertx(Vertx vertx) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
      return this;
    }

    /** Registers the meters here (default: a {@code SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Asks {@code authorizer} before every action. */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** Lets each sender broadcast at most {@code permits} times per {@code per}. */
    public Builder broadcastRateLimit(int permits, Duration per) {
      if (permits < 1) {
        throw new IllegalArgumentException("broadcast permits must be at least 1, got " + permits);
      }
      Objects.requireNonNull(per, "per");
      if (per.isZero() || per.isNegative()) {
        throw new IllegalArgumentException("broadcast rate period must be positive, got " + per);
      }
      this.broadcastPermits = permits;
      this.broadcastPer = per;
      return this;
    }

    /** The largest encoded knowledge accepted, in bytes (default 10 MiB). */
    public Builder maxKnowledgeBytes(int bytes) {
      if (bytes < 2) {
        throw new IllegalArgumentException("maxKnowledgeBytes must be at least 2, got " + bytes);
      }
      this.maxKnowledgeBytes = bytes;
      return this;
    }

    /** How long {@link Reef#close()} waits for unfinished handlers (default 10 s). */
    public Builder drainTimeout(Duration drainTimeout) {
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      if (drainTimeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must not be negative");
      }
      this.drainTimeout = drainTimeout;
      return this;
    }

    /** Connects and builds. */
    public Reef build() {
      return new Reef(this);
    }
  }
}
