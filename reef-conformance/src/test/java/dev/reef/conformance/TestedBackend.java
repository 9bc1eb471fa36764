package dev.reef.conformance;

import dev.reef.inmemory.InMemoryBroker;

/**
 * The backends every conformance class runs on, once each: the argument of the suite's {@code
 * ParameterizedClass}. A new backend joins the suite with one constant here.
 */
enum TestedBackend {
  /** A broker in this JVM, {@code memory://NAME}, made for one class run and closed after it. */
  IN_MEMORY("in-memory") {
    @Override
    BackendFixture open(String namespace) {
      String name = "conformance-" + namespace;
      InMemoryBroker broker = InMemoryBroker.shared(name); // held, so that closing drops its queues
      return new BackendFixture("memory://" + name, namespace, broker::close);
    }
  },
  /**
   * The RabbitMQ broker {@link AmqpTestBroker} finds; with none, every test of this run fails saying
   * how to get one.
   */
  AMQP("AMQP") {
    @Override
    BackendFixture open(String namespace) {
      String broker = AmqpTestBroker.uri();
      return new BackendFixture(RecordingAmqpProvider.PREFIX + broker, namespace,
          () -> AmqpTopology.remove(namespace, broker));
    }
  };

  private final String label;

  TestedBackend(String label) {
    this.label = label;
  }

  /** A fixture for a fresh {@code namespace} on this backend. */
  abstract BackendFixture open(String namespace);

  @Override
  public String toString() {
    return label;
  }
}
