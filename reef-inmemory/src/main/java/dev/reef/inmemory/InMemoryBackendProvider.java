package dev.reef.inmemory;

import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.util.Objects;

/**
 * Makes in-memory backends from URIs, found by {@link java.util.ServiceLoader}:
 *
 * <ul>
 *   <li>{@code memory:} (also written {@code memory:/}) — a new private {@link InMemoryBroker}, closed
 *       with the backend;
 *   <li>{@code memory://NAME} — the JVM-wide broker {@link InMemoryBroker#shared(String) shared} under
 *       NAME, so that Reefs built with the same URI talk to each other.
 * </ul>
 */
public final class InMemoryBackendProvider implements ReefBackendProvider {
  /** The URI scheme this provider serves. */
  public static final String SCHEME = "memory";

  /** Called by {@link java.util.ServiceLoader}. */
  public InMemoryBackendProvider() {}

  @Override
  public boolean supports(URI uri) {
    return uri != null && SCHEME.equalsIgnoreCase(uri.getScheme());
  }

  @Override
  public ReefBackend create(URI uri, String namespace) {
    Objects.requireNonNull(uri, "uri must not be null");
    if (!supports(uri)) {
      throw new IllegalArgumentException("not an in-memory backend URI (scheme '" + SCHEME + "'): " + uri);
    }
    String shared = sharedBrokerName(uri);
    if (shared != null) {
      return InMemoryBroker.shared(shared).connect(namespace);
    }
    InMemoryBroker broker = InMemoryBroker.create();
    try {
      return broker.connect(namespace, true);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** NAME for {@code memory://NAME}, null for a private broker; rejects anything else. */
  private static String sharedBrokerName(URI uri) {
    boolean privateForm = uri.isOpaque()
        ? uri.getSchemeSpecificPart().isEmpty()
        : uri.getAuthority() == null && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"));
    boolean sharedForm = !uri.isOpaque() && uri.getAuthority() != null
        && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"));
    if ((!privateForm && !sharedForm) || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "invalid in-memory backend URI '" + uri + "': use 'memory:' for a private broker or 'memory://NAME' for"
              + " a broker shared by name within the JVM");
    }
    return sharedForm ? uri.getAuthority() : null;
  }
}
