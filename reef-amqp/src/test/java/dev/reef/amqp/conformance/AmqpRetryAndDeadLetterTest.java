package dev.reef.amqp.conformance;

import dev.reef.amqp.AmqpFixture;
import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.RetryAndDeadLetterConformance;

class AmqpRetryAndDeadLetterTest extends RetryAndDeadLetterConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new AmqpFixture(namespace);
  }
}
