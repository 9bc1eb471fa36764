package dev.reef.amqp;

import dev.reef.Reef;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A random namespace on the test broker: every backend and Reef a test makes in it, and, on close,
 * every queue and exchange they declared deleted, so that nothing is left on the broker. Reefs made
 * here announce themselves every {@link #HEARTBEAT}, so that the directory learns of agents quickly.
 */
public final class AmqpTestNamespace implements AutoCloseable {
  /** The presence heartbeat of the Reefs made here. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private final String namespace;
  private final List<AmqpBackend> backends = new CopyOnWriteArrayList<>();
  private final List<Reef> reefs = new CopyOnWriteArrayList<>();
  private final Map<Reef, AmqpBackend> backendsOfReefs = new ConcurrentHashMap<>();
  private final Set<String> extraQueues = new LinkedHashSet<>();
  private final Set<String> extraExchanges = new LinkedHashSet<>();

  /** A fresh random namespace. */
  public AmqpTestNamespace() {
    this("test-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** The namespace {@code namespace} (use a random one). */
  public AmqpTestNamespace(String namespace) {
    this.namespace = namespace;
  }

  /** The namespace. */
  public String namespace() {
    return namespace;
  }

  /** A new backend (a new pair of connections, as another process would open) in this namespace. */
  public AmqpBackend backend() {
    return backend(builder -> {});
  }

  /** A new backend with more settings. */
  public AmqpBackend backend(Consumer<AmqpBackendBuilder> settings) {
    AmqpBackendBuilder builder = AmqpBackend.builder().uri(TestBroker.uri()).namespace(namespace);
    settings.accept(builder);
    AmqpBackend backend = builder.build();
    backends.add(backend);
    return backend;
  }

  /** A new Reef on a new backend in this namespace. */
  public Reef reef() {
    return reef(builder -> {});
  }

  /** A new Reef on a new backend with more settings. */
  public Reef reef(Consumer<AmqpBackendBuilder> settings) {
    AmqpBackend backend = backend(settings);
    Reef reef = Reef.builder().backend(backend).heartbeat(HEARTBEAT).drainTimeout(Duration.ofSeconds(2)).build();
    reefs.add(reef);
    backendsOfReefs.put(reef, backend);
    return reef;
  }

  /** The backend of a Reef made by {@link #reef()}. */
  public AmqpBackend backendOf(Reef reef) {
    AmqpBackend backend = backendsOfReefs.get(reef);
    if (backend == null) {
      throw new IllegalArgumentException("not a Reef of this namespace: " + reef);
    }
    return backend;
  }

  /**
   * Also deletes on close what a Reef that this namespace did not make (one built from a URI)
   * declared for {@code agent} on {@code channel}: the agent's queues, the channel's exchanges and the
   * presence exchange, named as the backend names them.
   */
  public void alsoDeleteAgent(String channel, String agent) {
    BrokerNames names = new BrokerNames(namespace);
    alsoDelete(Set.of(names.agentQueue(channel, agent), names.expiredQueue(channel, agent)),
        Set.of(names.channelExchange(channel), names.historyExchange(channel), names.presenceExchange()));
  }

  /** Also deletes these on close (objects a test declared with a raw client). */
  public void alsoDelete(Set<String> queues, Set<String> exchanges) {
    extraQueues.addAll(queues);
    extraExchanges.addAll(exchanges);
  }

  /** Closes the Reefs and backends, then deletes every queue and exchange they declared. */
  @Override
  public void close() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    Set<String> queues = new LinkedHashSet<>(extraQueues);
    Set<String> exchanges = new LinkedHashSet<>(extraExchanges);
    for (AmqpBackend backend : backends) {
      backend.close();
      queues.addAll(backend.declared().queues());
      exchanges.addAll(backend.declared().exchanges());
    }
    TestBroker.delete(queues, exchanges);
  }
}
