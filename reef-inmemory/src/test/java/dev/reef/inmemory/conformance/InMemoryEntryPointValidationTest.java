package dev.reef.inmemory.conformance;

import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.EntryPointValidationConformance;

class InMemoryEntryPointValidationTest extends EntryPointValidationConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new InMemoryFixture(namespace);
  }
}
