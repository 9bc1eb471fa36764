package dev.reef.test;

import dev.reef.Reef;
import dev.reef.inmemory.InMemoryBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * One test's namespace on one broker: its main {@link #reef()}, and as many more connections as the
 * test wants ({@link #connect()}, as other JVMs would have). Everything it made is closed after the
 * test, which stops every agent instance on it; on a real broker the namespace's queues and exchanges
 * are deleted too. A {@link ReefTest} parameter of this type gets it.
 */
public final class ReefTestContext {
  /** How long closing waits for handlers still running when the test ends. */
  static final Duration DRAIN_AFTER_TEST = Duration.ofSeconds(5);

  private final TestBackend backend;
  private final String namespace;
  private final String amqpUri;          // null in memory
  private final InMemoryBroker broker;   // null on AMQP
  private final Object lock = new Object();
  private final List<Reef> connections = new ArrayList<>(); // guarded by lock; the first is the main Reef
  private boolean closed; // guarded by lock

  private ReefTestContext(TestBackend backend, String amqpUri, InMemoryBroker broker) {
    this.backend = backend;
    this.namespace = "test-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    this.amqpUri = amqpUri;
    this.broker = broker;
  }

  /** A context on {@code backend}; for AMQP, on the broker {@link TestBrokers#amqpUri()} finds. */
  static ReefTestContext open(TestBackend backend) {
    Objects.requireNonNull(backend, "backend");
    return backend == TestBackend.AMQP
        ? new ReefTestContext(backend, TestBrokers.amqpUri(), null)
        : new ReefTestContext(backend, null, InMemoryBroker.create());
  }

  /** The backend this test runs on. */
  public TestBackend backend() {
    return backend;
  }

  /** The test's namespace: {@code test-} and 12 random hex digits. */
  public String namespace() {
    return namespace;
  }

  /** The broker's URI on {@link TestBackend#AMQP} (it may hold a password); empty in memory. */
  public Optional<String> amqpUri() {
    return Optional.ofNullable(amqpUri);
  }

  /** The test's main Reef, made on first use. */
  public Reef reef() {
    synchronized (lock) {
      return connections.isEmpty() ? connect() : connections.get(0);
    }
  }

  /** Another connection to the test's namespace on the same broker, closed after the test. */
  public Reef connect() {
    return connect(UnaryOperator.identity());
  }

  /**
   * Another connection, built from a builder already pointed at the test's broker and namespace, which
   * {@code customize} may change further (a meter registry, signing, a heartbeat, ...).
   */
  public Reef connect(UnaryOperator<Reef.Builder> customize) {
    Objects.requireNonNull(customize, "customize");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the test's Reef context is closed: the test has ended");
      }
      Reef.Builder builder = Reef.builder();
      if (broker != null) {
        builder.backend(broker.connect(namespace));
      } else {
        builder.uri(amqpUri);
      }
      builder.namespace(namespace).drainTimeout(DRAIN_AFTER_TEST);
      Reef reef = Objects.requireNonNull(customize.apply(builder), "customize returned null").build();
      connections.add(reef);
      return reef;
    }
  }

  /**
   * Closes every connection, then, on a real broker, deletes the namespace's queues and exchanges
   * through one more short-lived connection (deleting them under running consumers would have them
   * cancelled mid-test), and closes the in-memory broker; throws the first failure with the others
   * suppressed, after trying everything.
   */
  void close() {
    List<Reef> reefs;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      reefs = List.copyOf(connections);
    }
    Closing closing = new Closing();
    for (int i = reefs.size() - 1; i >= 0; i--) {
      closing.run(reefs.get(i)::close);
    }
    if (backend == TestBackend.AMQP && !reefs.isEmpty()) {
      closing.run(this::deleteNamespace);
    }
    if (broker != null) {
      closing.run(broker::close);
    }
    closing.rethrow();
  }

  private void deleteNamespace() {
    try (Reef cleaner = Reef.builder().uri(amqpUri).namespace(namespace).build()) {
      cleaner.admin().delete();
    }
  }

  @Override
  public String toString() {
    return "ReefTestContext[" + backend + ", namespace " + namespace + "]";
  }

  /** Runs every step, keeps the first failure and adds the others to it. */
  private static final class Closing {
    private RuntimeException failure;

    void run(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }

    void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }
}
