package dev.reef.amqp.conformance;

import dev.reef.amqp.AmqpFixture;
import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.EntryPointValidationConformance;

class AmqpEntryPointValidationTest extends EntryPointValidationConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new AmqpFixture(namespace);
  }
}
