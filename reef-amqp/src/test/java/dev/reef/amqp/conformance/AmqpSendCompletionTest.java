package dev.reef.amqp.conformance;

import dev.reef.amqp.AmqpFixture;
import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.SendCompletionConformance;

class AmqpSendCompletionTest extends SendCompletionConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new AmqpFixture(namespace);
  }
}
