package dev.reef.inmemory.conformance;

import dev.reef.conformance.BackendFixture;
import dev.reef.conformance.WorkerPoolsConformance;

class InMemoryWorkerPoolsTest extends WorkerPoolsConformance {
  @Override
  protected BackendFixture openFixture(String namespace) {
    return new InMemoryFixture(namespace);
  }
}
