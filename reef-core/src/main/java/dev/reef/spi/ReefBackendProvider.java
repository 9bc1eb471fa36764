package dev.reef.spi;

import java.net.URI;

/**
 * Creates backends from URIs such as {@code memory:} or {@code amqp://host}. Found with {@link
 * java.util.ServiceLoader}, so choosing a backend is configuration only.
 */
public interface ReefBackendProvider {

  /** True when this provider understands {@code uri}'s scheme. */
  boolean supports(URI uri);

  /**
   * Connects to the backend {@code uri} names.
   *
   * @throws IllegalArgumentException when the URI is invalid for this backend (its message never
   *     quotes a password)
   * @throws dev.reef.ReefException when the broker cannot be reached
   */
  ReefBackend create(URI uri, BackendContext context);
}
