package dev.reef.inmemory;

import dev.reef.spi.BackendContext;
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
 *
 * <p>Either form takes {@code ?user=USER}: the connection's identity, which handlers see as {@link
 * dev.reef.HandlerContext#verifiedUserId()} (see {@link InMemoryBroker#connect(String, String)}).
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
  public ReefBackend create(URI uri, BackendContext context) {
    Objects.requireNonNull(context, "context must not be null");
    String namespace = context.namespace();
    Objects.requireNonNull(uri, "uri must not be null");
    if (!supports(uri)) {
      throw new IllegalArgumentException("not an in-memory backend URI (scheme '" + SCHEME + "'): " + uri);
    }
    String shared = sharedBrokerName(uri);
    String user = user(uri);
    if (shared != null) {
      return InMemoryBroker.shared(shared).connect(namespace, user, false);
    }
    InMemoryBroker broker = InMemoryBroker.create();
    try {
      return broker.connect(namespace, user, true);
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
    if ((!privateForm && !sharedForm) || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "invalid in-memory backend URI '" + uri + "': use 'memory:' for a private broker or 'memory://NAME' for"
              + " a broker shared by name within the JVM");
    }
    return sharedForm ? uri.getAuthority() : null;
  }

  /** USER for {@code ?user=USER}, null without a query; rejects any other query. */
  private static String user(URI uri) {
    String query = uri.getQuery();
    if (query == null) {
      return null;
    }
    if (!query.startsWith("user=") || query.contains("&")) {
      throw new IllegalArgumentException("invalid in-memory backend URI '" + uri
          + "': use 'memory:/' or 'memory://NAME'; the only query parameter is user=USER");
    }
    return dev.reef.spore.Names.require("user name", query.substring("user=".length()));
  }
}
