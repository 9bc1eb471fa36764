package dev.reef.inmemory.conformance;

import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.RetryAndDeadLetterConformance;

class InMemoryRetryAndDeadLetterTest extends RetryAndDeadLetterConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new InMemoryFixture(namespace);
  }
}
