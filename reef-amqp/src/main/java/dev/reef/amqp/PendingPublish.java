package dev.reef.amqp;

import java.util.concurrent.CompletableFuture;

/** One publish admitted by a {@link PublishLedger}, until it is settled once. */
final class PendingPublish {
  final OutgoingMessage message;
  final CompletableFuture<Void> future = new CompletableFuture<>();
  /** When its confirm is overdue, in {@link System#nanoTime()} terms. */
  final long confirmDeadline;
  /** Set when the broker returned it as unroutable; guarded by the ledger's lock. */
  RuntimeException returned;
  /** Guarded by the ledger's lock. */
  boolean settled;

  PendingPublish(OutgoingMessage message, long confirmDeadline) {
    this.message = message;
    this.confirmDeadline = confirmDeadline;
  }
}
