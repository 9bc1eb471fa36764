package dev.reef.spi;

import java.net.URI;

/**
 * Creates backends from URIs such as {@code memory:} or {@code amqp://host}. Found with {@link
 * java.util.ServiceLoader}, so choosing a backend is configuration only.
 */
public interface ReefBackendProvider {

  /** True when this provider understands {@code uri}'s scheme. */
  boolean supports(URI uri);

  /** Connects to the backend {@code uri} names, in {@code namespace}. */
  ReefBackend create(URI uri, String namespace);
}
