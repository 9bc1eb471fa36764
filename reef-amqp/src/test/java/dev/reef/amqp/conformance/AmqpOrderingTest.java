package dev.reef.amqp.conformance;

import dev.reef.amqp.AmqpFixture;
import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.OrderingConformance;

class AmqpOrderingTest extends OrderingConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new AmqpFixture(namespace);
  }
}
