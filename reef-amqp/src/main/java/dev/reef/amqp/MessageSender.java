package dev.reef.amqp;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one message with a publisher confirm, within the backend's send bound: what retries, dead
 * letters and presence need of the publisher.
 */
@FunctionalInterface
interface MessageSender {

  /** Sends {@code message}; the future completes when the broker confirms it. */
  CompletableFuture<Void> send(OutgoingMessage message);
}
