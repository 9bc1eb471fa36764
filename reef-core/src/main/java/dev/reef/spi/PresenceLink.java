package dev.reef.spi;

import java.util.concurrent.CompletableFuture;

/** A connection's part in its namespace's presence, opened by {@link ReefBackend#openPresence}. */
public interface PresenceLink extends AutoCloseable {

  /**
   * Sends {@code message} to every other connection of the namespace. The future completes once the
   * backend has taken it; it never blocks the caller.
   */
  CompletableFuture<Void> send(PresenceMessage message);

  /** Stops listening. Idempotent. */
  @Override
  void close();
}
