package dev.reef.internal.directory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Keeps at most one announcement on its way to the backend. A change while one is in flight is
 * folded into a single follow-up, sent when the first completes and listing everything at that
 * moment: agents started together (by several threads, or faster than the broker confirms) share
 * one announcement instead of sending one each, every one naming every instance. Agents started one
 * by one, each slower than a confirm, are still announced one by one. A backend that completes sends
 * at once (in memory) sends every change.
 */
final class CoalescingAnnouncer {
  private final Supplier<CompletableFuture<Void>> sender;
  private boolean inFlight; // guarded by this
  private CompletableFuture<Void> followUp; // guarded by this; completes when the follow-up is sent

  /** @param sender sends one announcement of every instance at the time it is called */
  CoalescingAnnouncer(Supplier<CompletableFuture<Void>> sender) {
    this.sender = Objects.requireNonNull(sender, "sender");
  }

  /** Announces now, or folds into the follow-up; the future completes when an announcement made after this call is sent. */
  CompletableFuture<Void> announce() {
    synchronized (this) {
      if (inFlight) {
        if (followUp == null) {
          followUp = new CompletableFuture<>();
        }
        return followUp;
      }
      inFlight = true;
    }
    return sendThenFollowUp();
  }

  private CompletableFuture<Void> sendThenFollowUp() {
    CompletableFuture<Void> sent;
    try {
      sent = sender.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((ok, error) -> sendFollowUp());
    return sent;
  }

  private void sendFollowUp() {
    CompletableFuture<Void> next;
    synchronized (this) {
      next = followUp;
      followUp = null;
      if (next == null) {
        inFlight = false;
        return;
      }
    }
    sendThenFollowUp().whenComplete((ok, error) -> {
      if (error != null) {
        next.completeExceptionally(error);
      } else {
        next.complete(null);
      }
    });
  }
}
