package dev.reef.internal.engine;

import dev.reef.RetryPolicy;
import dev.reef.UnprocessableSporeException;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a delivery once its handler has run (SPEC §3.3, §3.9): success acknowledges it
 * (after the reply, for a request); failure retries it with back-off or, after the last attempt or
 * for a spore that can never be handled, dead-letters it and tells the requester. Each delivery is
 * settled exactly once here, and the instance's counts follow.
 */
final class Outcomes {
  private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

  private final String channel;
  private final String agent;
  private final RetryPolicy retry;
  private final DuplicateWindow duplicates;
  private final HeldDeliveries held;
  private final ReefMetrics metrics;
  private final AtomicLongArray inFlight;
  private final ReefMetrics.PerType handled;
  private final BoundedLog warnings;
  private volatile boolean released; // the consumer closed: unsettled deliveries went back to the queue

  Outcomes(String channel, String agent, RetryPolicy retry, DuplicateWindow duplicates, HeldDeliveries held,
      ReefMetrics metrics, BoundedLog warnings) {
    this.channel = channel;
    this.agent = agent;
    this.retry = retry;
    this.duplicates = duplicates;
    this.held = held;
    this.metrics = metrics;
    this.inFlight = metrics.inFlight(channel, agent);
    this.handled = metrics.counters(ReefMetrics.HANDLED, channel, agent);
    this.warnings = warnings;
  }

  /** A delivery was taken from the backend: it counts until settled. */
  void taken(Spore spore) {
    held.taken();
    metrics.heldOne();
    inFlight.incrementAndGet(spore.type().ordinal());
  }

  /** The consumer closed: outcomes of unsettled deliveries settle nothing any more. */
  void released() {
    released = true;
  }

  /** The handler finished: acknowledge, after replying to a request it did not answer itself. */
  void succeeded(Delivery delivery, HandlerContextImpl context, Object result) {
    Spore spore = delivery.spore();
    handled.increment(spore.type());
    if (spore.type() == SporeType.REQUEST && !context.replied()) {
      // The reply is part of handling: acknowledge once it has been sent (or has failed).
      replySafely(spore, () -> context.replyWithResult(result)).whenComplete((ok, ignored) -> settle(delivery,
          delivery::ack));
    } else {
      settle(delivery, delivery::ack);
    }
  }

  /** The handler failed: retry with back-off, or give up and dead-letter. */
  void failed(Delivery delivery, HandlerContextImpl context, Throwable error) {
    Spore spore = delivery.spore();
    duplicates.release(spore.id());
    if (released) {
      // Past the drain timeout the spore went back to its queue for another instance (and this
      // handler was likely interrupted by the shutdown): this outcome settles nothing.
      LOG.debug("agent '{}': spore {} failed after its instance released it: {}", agent, spore.id(), error.toString());
      settle(delivery, () -> {});
      return;
    }
    metrics.count(ReefMetrics.FAILED, channel, agent, spore);
    String description = error.getClass().getName() + ": " + error.getMessage();
    int attempt = delivery.attempt();
    // A retry waits in the backend and returns to the agent's queue, so it survives this instance stopping;
    // a spore the handler can never take is not retried at all.
    if (attempt < retry.maxAttempts() && !(error instanceof UnprocessableSporeException)) {
      Duration delay = retry.backoffAfter(attempt);
      warnings.warn("agent '{}' failed spore {} (attempt {} of {}), retrying in {} ms: {}", agent, spore.id(), attempt,
          retry.maxAttempts(), delay.toMillis(), description);
      metrics.count(ReefMetrics.RETRIED, channel, agent, spore);
      settle(delivery, () -> delivery.retry(delay, description));
      return;
    }
    LOG.error("agent '{}' gave up on spore {} after {} attempt(s); dead-lettered: {}", agent, spore.id(), attempt,
        description);
    metrics.count(ReefMetrics.DEAD_LETTERED, channel, agent, spore);
    settle(delivery, () -> delivery.deadLetter(new DeadLetterReason(description, attempt, agent)));
    if (spore.type() == SporeType.REQUEST && !context.replied()) {
      replySafely(spore, () -> context.replyWithError(error));
    }
  }

  /**
   * Dead-letters, unhandled, a spore whose attempts and deliveries together exceed the retry policy:
   * instances took it and never settled it (they crashed, were killed, or hung until their
   * connection went), so it would go round for ever. Returns why, or null, doing nothing, for any other.
   */
  String deliveredTooOften(Delivery delivery) {
    int deliveries = delivery.deliveryCount();
    int runs = delivery.attempt() - 1 + deliveries;
    if (deliveries <= 1 || runs <= retry.maxAttempts()) {
      return null;
    }
    Spore spore = delivery.spore();
    String reason = "its handler never finished: attempt " + delivery.attempt() + " was delivered " + deliveries
        + " times (instances crashed, were killed or hung until their connection was lost), " + (runs - 1)
        + " run(s) in all, beyond the " + retry.maxAttempts() + " attempts of the retry policy";
    LOG.error("agent '{}' dead-lettered spore {} unhandled: {}", agent, spore.id(), reason);
    metrics.count(ReefMetrics.DEAD_LETTERED, channel, agent, spore);
    settle(delivery, () -> delivery.deadLetter(new DeadLetterReason(reason, runs - 1, agent)));
    return reason;
  }

  /** Refused before any handler ran (unverified, misrouted): straight to the dead letters. */
  void rejected(Delivery delivery, String reason) {
    settle(delivery, () -> delivery.deadLetter(new DeadLetterReason("rejected: " + reason, 0, agent)));
  }

  /** Settles without a handler run: {@code settlement} is ack or requeue. */
  void settle(Delivery delivery, Runnable settlement) {
    try {
      settlement.run();
    } catch (RuntimeException e) {
      warnings.warn("agent '{}' could not settle a delivery: {}", agent, e.toString());
    } finally {
      metrics.settledOne();
      inFlight.decrementAndGet(delivery.spore().type().ordinal());
      held.settled();
    }
  }

  /** Sends a reply; a failure to reply is logged, never thrown, so the delivery still settles. */
  private CompletableFuture<Void> replySafely(Spore request, Supplier<CompletableFuture<Void>> reply) {
    CompletableFuture<Void> sent;
    try {
      sent = reply.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.whenComplete((ok, error) -> {
      if (error != null) {
        warnings.warn("agent '{}' could not reply to request {}: {}", agent, request.id(),
            Outbox.unwrap(error).toString());
      }
    });
  }
}
