package dev.reef.inmemory.conformance;

import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.SendCompletionConformance;

class InMemorySendCompletionTest extends SendCompletionConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new InMemoryFixture(namespace);
  }
}
