package dev.reef.inmemory.conformance;

import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.AtLeastOnceConformance;

class InMemoryAtLeastOnceTest extends AtLeastOnceConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new InMemoryFixture(namespace);
  }
}
