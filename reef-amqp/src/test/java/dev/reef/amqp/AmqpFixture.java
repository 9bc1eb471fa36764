package dev.reef.amqp;

import dev.reef.Reef;
import dev.reef.conformance.BackendFixture;

/**
 * The conformance suite's view of the test broker: each {@link #connect()} is a new Reef on a new
 * pair of connections, as a new JVM would open; closing deletes everything the namespace declared.
 */
public final class AmqpFixture implements BackendFixture {
  private final AmqpTestNamespace namespace;

  /** A fixture for {@code namespace} on the broker {@link TestBroker} finds. */
  public AmqpFixture(String namespace) {
    this.namespace = new AmqpTestNamespace(namespace);
  }

  @Override
  public Reef connect() {
    return namespace.reef();
  }

  @Override
  public void close() {
    namespace.close();
  }
}
