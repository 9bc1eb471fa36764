package dev.reef.inmemory.conformance;

import dev.reef.Reef;
import dev.reef.conformance.BackendFixture;
import dev.reef.inmemory.InMemoryBroker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reefs on one named in-memory broker of this JVM ({@code memory://NAME}): each Reef is one
 * connection, so several of them behave as several JVMs on one RabbitMQ.
 */
final class InMemoryFixture implements BackendFixture {
  private final String brokerName = "conformance-" + UUID.randomUUID();
  private final String namespace;
  private final List<Reef> reefs = new CopyOnWriteArrayList<>();

  InMemoryFixture(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public Reef connect() {
    Reef reef = Reef.builder().uri("memory://" + brokerName).namespace(namespace).build();
    reefs.add(reef);
    return reef;
  }

  @Override
  public void close() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    reefs.clear();
    InMemoryBroker.shared(brokerName).close(); // drops the broker's queues and dead letters
  }
}
