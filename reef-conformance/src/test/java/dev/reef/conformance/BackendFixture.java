package dev.reef.conformance;

import dev.reef.Reef;
import dev.reef.spi.BackendContext;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import dev.reef.spore.JsonMapping;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * One backend under one namespace, for one run of one conformance class: makes Reefs and bare SPI
 * connections to the same broker, each a new connection as a new JVM would open, and removes what
 * the namespace left on the broker once they are closed.
 *
 * <p>Everything is made from a URI by the {@link ReefBackendProvider}s that {@link ServiceLoader}
 * finds, as an application configures a backend, with the context the engine would give.
 */
final class BackendFixture implements AutoCloseable {
  /** How long closing a Reef waits for unfinished handlers. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

  private final URI uri;
  private final String namespace;
  private final Runnable removeTopology;

  /**
   * @param uri the backend's URI, as {@code Reef.builder().uri(...)} takes it
   * @param removeTopology deletes what the namespace declared, once every connection is closed
   */
  BackendFixture(String uri, String namespace, Runnable removeTopology) {
    this.uri = URI.create(uri);
    this.namespace = namespace;
    this.removeTopology = removeTopology;
  }

  /** A new Reef on a new connection, with {@code settings} applied last (heartbeat, authorizer, mapper...). */
  Reef connect(UnaryOperator<Reef.Builder> settings) {
    return settings.apply(Reef.builder().uri(uri.toString()).namespace(namespace).drainTimeout(DRAIN_TIMEOUT))
        .build();
  }

  /** A new bare connection through the SPI, with no engine above it. */
  ReefBackend backend() {
    BackendContext context = new BackendContext(namespace, JsonMapping.defaults(), new SimpleMeterRegistry());
    for (ReefBackendProvider provider : ServiceLoader.load(ReefBackendProvider.class)) {
      if (provider.supports(uri)) {
        return provider.create(uri, context);
      }
    }
    throw new IllegalStateException("no ReefBackendProvider on the test class path serves " + uri.getScheme() + ":");
  }

  /** Removes the namespace's broker objects; the caller closed every connection made here first. */
  @Override
  public void close() {
    removeTopology.run();
  }

  @Override
  public String toString() {
    return "BackendFixture[" + uri.getScheme() + ", namespace " + namespace + "]";
  }
}
