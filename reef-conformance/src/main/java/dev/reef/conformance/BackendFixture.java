package dev.reef.conformance;

import dev.reef.Reef;

/**
 * Connects {@link Reef}s to one backend under one namespace, for one conformance test class.
 *
 * <p>Each {@link #connect()} is a new connection, as a new JVM would open: several Reefs of one fixture
 * share the broker and the namespace, so the suite tests many instances and many JVMs in one process.
 * A backend proves SPEC §3 by giving each conformance class a fixture:
 *
 * <pre>{@code
 * class InMemoryBroadcastTest extends BroadcastConformance {
 *   @Override protected BackendFixture openFixture(String namespace) { return new InMemoryFixture(namespace); }
 * }
 * }</pre>
 */
public interface BackendFixture extends AutoCloseable {

  /** A new Reef: a new connection to the fixture's broker, in the fixture's namespace. */
  Reef connect();

  /** Closes every Reef this fixture made and removes what the namespace left on the broker. */
  @Override
  void close();
}
