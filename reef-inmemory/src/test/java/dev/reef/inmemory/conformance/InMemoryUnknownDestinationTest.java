package dev.reef.inmemory.conformance;

import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.UnknownDestinationConformance;

class InMemoryUnknownDestinationTest extends UnknownDestinationConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new InMemoryFixture(namespace);
  }
}
