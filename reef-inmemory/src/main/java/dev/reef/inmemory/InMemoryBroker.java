package dev.reef.inmemory;

import dev.reef.ReefClosedException;
import dev.reef.UnknownDestinationException;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message broker living in the JVM, with the topology of Reef's RabbitMQ backend: per namespace
 * and channel, one queue per agent name, created by the agent's first consumer and kept (buffering
 * spores while no instance runs) until the broker closes; a length limit per queue that refuses
 * publishes when reached; dead letters per namespace; private reply addresses per connection.
 *
 * <p>Each {@link #connect} is one connection, so several Reefs on one broker behave as several JVMs
 * on one RabbitMQ:
 *
 * <pre>{@code
 * try (InMemoryBroker broker = InMemoryBroker.create();
 *     Reef a = Reef.builder().backend(broker.connect("reef")).build();
 *     Reef b = Reef.builder().backend(broker.connect("reef")).build()) {
 *   b.channel("main").subscribe("echo", (spore, ctx) -> spore.knowledge());
 *   a.channel("main").request("me", "echo", Map.of("hi", 1), Duration.ofSeconds(1)).join();
 * }
 * }</pre>
 *
 * <p>The URIs {@code memory:} (a private broker per Reef) and {@code memory://NAME} (the broker
 * {@link #shared(String) shared} under NAME) reach the same brokers through {@link
 * InMemoryBackendProvider}. Thread-safe.
 */
public final class InMemoryBroker implements AutoCloseable {
  /** The default length limit of an agent queue, in spores. */
  public static final int DEFAULT_MAX_QUEUE_LENGTH = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryBroker.class);
  private static final Map<String, InMemoryBroker> SHARED = new ConcurrentHashMap<>();
  private static final AtomicInteger CREATED = new AtomicInteger();

  private final String name; // null unless shared
  private final int maxQueueLength;
  private final ScheduledThreadPoolExecutor executor;
  private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
  private final Map<String, InMemoryReplyEndpoint> replyEndpoints = new ConcurrentHashMap<>();
  private final Set<InMemoryBackend> connections = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private InMemoryBroker(String name, int maxQueueLength) {
    this.name = name;
    this.maxQueueLength = maxQueueLength;
    String prefix = "reef-inmemory-" + (name != null ? name : String.valueOf(CREATED.incrementAndGet())) + "-";
    AtomicInteger threads = new AtomicInteger();
    // Retry timers, drains handed off by busy callers, and reply deliveries all run here.
    this.executor = new ScheduledThreadPoolExecutor(
        Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())), runnable -> {
          Thread thread = new Thread(runnable, prefix + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.setRemoveOnCancelPolicy(true);
  }

  /** A new broker with default options. */
  public static InMemoryBroker create() {
    return builder().build();
  }

  /** A builder for a broker with options. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The JVM-wide broker called {@code name}, which {@code memory://NAME} connects to; a new one when
   * there is none yet or the last one was closed. Close it to start the next user afresh.
   *
   * @throws IllegalArgumentException when {@code name} is null or empty
   */
  public static InMemoryBroker shared(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("shared in-memory broker name must not be null or empty");
    }
    return SHARED.compute(name, (key, existing) ->
        existing != null && !existing.isClosed() ? existing : new InMemoryBroker(key, DEFAULT_MAX_QUEUE_LENGTH));
  }

  /**
   * Opens a connection in {@code namespace}: a backend for {@link dev.reef.Reef.Builder#backend}.
   * Closing it closes its consumers and reply endpoint; the broker and its queues stay.
   *
   * @throws IllegalArgumentException when the namespace is not a valid name
   * @throws IllegalStateException when the broker is closed
   */
  public ReefBackend connect(String namespace) {
    return connect(namespace, null, false);
  }

  /**
   * Opens a connection in {@code namespace} as {@code user}: the spores it publishes reach handlers
   * with {@code user} as {@link dev.reef.HandlerContext#verifiedUserId()}, as an AMQP connection's
   * login does. In one JVM this identifies the connection, it does not authenticate anyone.
   *
   * @throws IllegalArgumentException when the namespace or user is not a valid name
   * @throws IllegalStateException when the broker is closed
   */
  public ReefBackend connect(String namespace, String user) {
    Names.require("user name", user);
    return connect(namespace, user, false);
  }

  /** The length limit of every agent queue, in spores. */
  public int maxQueueLength() {
    return maxQueueLength;
  }

  /** True once {@link #close} has begun. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Closes every connection, drops every queue and pending retry, and stops the broker's threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (InMemoryBackend connection : List.copyOf(connections)) {
      connection.close();
    }
    long queued = 0;
    for (Namespace namespace : namespaces.values()) {
      queued += namespace.queued();
    }
    int pendingTasks = executor.shutdownNow().size();
    namespaces.clear();
    replyEndpoints.clear();
    if (name != null) {
      SHARED.remove(name, this);
    }
    if (queued > 0 || pendingTasks > 0) {
      LOG.info("{} closed: {} queued spore(s) and {} pending retry or delivery task(s) discarded", this, queued,
          pendingTasks);
    }
  }

  ReefBackend connect(String namespace, String user, boolean ownsBroker) {
    Names.require("namespace", namespace);
    ensureOpen();
    InMemoryBackend connection = new InMemoryBackend(
        this, namespaces.computeIfAbsent(namespace, ns -> new Namespace(this, ns)), user, ownsBroker);
    connections.add(connection);
    if (closed.get()) { // closed meanwhile: close() may have missed it
      connection.close();
      ensureOpen();
    }
    return connection;
  }

  void disconnected(InMemoryBackend connection) {
    connections.remove(connection);
  }

  InMemoryReplyEndpoint openReplyEndpoint(InMemoryBackend connection, ReplyHandler handler) {
    InMemoryReplyEndpoint endpoint = new InMemoryReplyEndpoint(this, connection, handler);
    replyEndpoints.put(endpoint.address(), endpoint);
    return endpoint;
  }

  CompletableFuture<Void> sendReply(String address, Spore reply, String userId) {
    InMemoryReplyEndpoint endpoint = replyEndpoints.get(address);
    if (endpoint == null || !endpoint.offer(reply, userId)) {
      return CompletableFuture.failedFuture(new UnknownDestinationException(
          "no reply endpoint at '" + address + "' on this in-memory broker: it was closed or never existed"));
    }
    return CompletableFuture.completedFuture(null);
  }

  boolean isReplyAddressOpen(String address) {
    return replyEndpoints.containsKey(address);
  }

  /** Drops a namespace and everything in it; returns how many broker objects it had. */
  int dropNamespace(String name) {
    Namespace dropped = namespaces.remove(name);
    return dropped == null ? 0 : dropped.objects().size();
  }

  void forget(InMemoryReplyEndpoint endpoint) {
    replyEndpoints.remove(endpoint.address(), endpoint);
  }

  /** Runs a task on the broker's threads; throws RejectedExecutionException once closed. */
  void execute(Runnable task) {
    executor.execute(task);
  }

  /** Runs a task after a delay on the broker's threads; throws RejectedExecutionException once closed. */
  void schedule(Duration delay, Runnable task) {
    long nanos;
    try {
      nanos = delay.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE; // centuries: as good as never, yet nothing thrown after a settlement
    }
    executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new ReefClosedException(this + " is closed");
    }
  }

  @Override
  public String toString() {
    return name != null ? "in-memory broker '" + name + "'" : "private in-memory broker";
  }

  /** Options of a new {@link InMemoryBroker}. */
  public static final class Builder {
    private int maxQueueLength = DEFAULT_MAX_QUEUE_LENGTH;

    private Builder() {}

    /**
     * The most spores an agent queue holds waiting; publishes beyond it fail with {@link
     * dev.reef.QueueFullException} (default {@value InMemoryBroker#DEFAULT_MAX_QUEUE_LENGTH}).
     */
    public Builder maxQueueLength(int maxQueueLength) {
      if (maxQueueLength < 1) {
        throw new IllegalArgumentException("maxQueueLength must be at least 1, got " + maxQueueLength);
      }
      this.maxQueueLength = maxQueueLength;
      return this;
    }

    /** Builds the broker. */
    public InMemoryBroker build() {
      return new InMemoryBroker(null, maxQueueLength);
    }
  }
}
