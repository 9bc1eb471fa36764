package dev.reef.internal.engine;

import dev.reef.Channel;
import dev.reef.RetryPolicy;
import dev.reef.SporeHandler;
import dev.reef.UnprocessableSporeException;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What happens to each delivery of one agent instance: on the backend's thread, verification and
 * the cheap filters (stopping, own broadcast, expired, known duplicate); on the agent's worker lane,
 * the duplicate claim, the handler, and the settlement once the handler (or the stage it returned)
 * has finished: acknowledged, retried with back-off, or dead-lettered (SPEC §3.8-3.12).
 */
final class DeliveryProcessor implements DeliveryHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  /** Who the instance is and what it runs with. */
  record Agent(Channel channel, String agentName, String instanceId, RetryPolicy retry, SporeHandler handler) {}

  private final Agent agent;
  private final String channelName;
  private final WorkerLane lane;
  private final DuplicateWindow duplicates;
  private final HeldDeliveries held;
  private final Signatures signatures;
  private final JsonMapping json;
  private final ContextFactory contexts;
  private final ReefMetrics metrics;
  private final AtomicLongArray inFlight; // by spore type, shared per agent
  private final ReefMetrics.PerType received;
  private final ReefMetrics.PerType handled;
  private final ReefMetrics.PerTypeTimer latency;
  private final BoundedLog warnings = new BoundedLog(LOG, 60);
  private volatile boolean accepting = true;
  private volatile boolean released; // the consumer closed: unsettled deliveries went back to the queue

  /** Makes the context of one delivery. */
  @FunctionalInterface
  interface ContextFactory {
    HandlerContextImpl create(Agent agent, Delivery delivery, Spore spore);
  }

  DeliveryProcessor(Agent agent, WorkerLane lane, DuplicateWindow duplicates, HeldDeliveries held,
      Signatures signatures, JsonMapping json, ContextFactory contexts, ReefMetrics metrics) {
    this.agent = agent;
    this.channelName = agent.channel().name();
    this.lane = lane;
    this.duplicates = duplicates;
    this.held = held;
    this.signatures = signatures;
    this.json = json;
    this.contexts = contexts;
    this.metrics = metrics;
    this.inFlight = metrics.inFlight(channelName, agent.agentName());
    this.received = metrics.counters(ReefMetrics.RECEIVED, channelName, agent.agentName());
    this.handled = metrics.counters(ReefMetrics.HANDLED, channelName, agent.agentName());
    this.latency = metrics.timers(ReefMetrics.HANDLER_LATENCY, channelName, agent.agentName());
  }

  /** New deliveries go back to the queue from now on. */
  void stopAccepting() {
    accepting = false;
  }

  /** The consumer closed: outcomes of unsettled deliveries settle nothing any more. */
  void released() {
    released = true;
  }

  @Override
  public void onDelivery(Delivery arrived) {
    held.taken();
    metrics.heldOne();
    Spore spore = arrived.spore();
    inFlight.incrementAndGet(spore.type().ordinal());
    received.increment(spore.type());
    Delivery delivery = arrived;
    if (signatures.verifies()) {
      Signatures.Verdict verdict = signatures.check(spore, channelName, agent.agentName());
      if (!verdict.accepted()) {
        warnings.warn("agent '{}' on '{}' rejected spore {}: {}; dead-lettered", agent.agentName(), channelName,
            spore.id(), verdict.rejection());
        settle(arrived, () -> arrived.deadLetter(
            new DeadLetterReason("rejected: " + verdict.rejection(), 0, agent.agentName())));
        return;
      }
      delivery = new Deliveries.Verified(arrived, verdict.spore());
      spore = verdict.spore();
    }
    if (spore.knowledge() != null && spore.knowledge().mapping() != json) {
      // Read records with this Reef's mapper, whatever the sender or decoder used (SPEC §3.13).
      spore = spore.toBuilder().knowledge(spore.knowledge().withMapping(json)).build();
      delivery = new Deliveries.Verified(delivery, spore);
    }
    Delivery taken = delivery;
    if (!accepting) {
      settle(taken, taken::requeue);
    } else if (spore.isBroadcast() && agent.agentName().equals(spore.fromAgent())) {
      settle(taken, taken::ack); // a broadcast reaches every agent but its sender (SPEC §3.2)
    } else if (dropIfExpired(taken)) {
      return;
    } else if (taken.redelivered() && duplicates.contains(spore.id())) {
      // Only a redelivery is checked here, to ack it without a trip to the pool; any other duplicate
      // (a re-sent publish) is caught when the worker claims its id, which every delivery does.
      metrics.count(ReefMetrics.DUPLICATES, channelName, agent.agentName(), spore);
      settle(taken, taken::ack);
    } else {
      lane.execute(() -> process(taken));
    }
  }

  @Override
  public void onUndecodable(String reason) {
    metrics.count(ReefMetrics.UNDECODABLE, channelName, agent.agentName(), "unknown");
    warnings.warn("agent '{}' on '{}': a message that is not a valid spore was dead-lettered: {}", agent.agentName(),
        channelName, reason);
  }

  /** Runs on the worker lane. */
  private void process(Delivery delivery) {
    Spore spore = delivery.spore();
    if (!accepting) {
      settle(delivery, delivery::requeue);
      return;
    }
    if (dropIfExpired(delivery)) {
      return;
    }
    if (!duplicates.claim(spore.id())) {
      metrics.count(ReefMetrics.DUPLICATES, channelName, agent.agentName(), spore);
      settle(delivery, delivery::ack);
      return;
    }
    HandlerContextImpl context = contexts.create(agent, delivery, spore);
    long start = System.nanoTime();
    held.progressed(start);
    Object result;
    try {
      result = invoke(spore, context);
    } catch (Throwable error) {
      finished(delivery, context, start, null, error);
      return;
    }
    if (result instanceof CompletionStage<?> stage) {
      // An asynchronous handler: the spore stays held, against the prefetch, until its stage completes.
      stage.whenComplete((value, error) -> finished(delivery, context, start, value, error));
    } else {
      finished(delivery, context, start, result, null);
    }
  }

  /**
   * Runs the handler with its cause as the thread's current one, and the spore id, trace id and
   * agent in the logging MDC, so that the handler's own log lines can be followed along a chain.
   */
  private Object invoke(Spore spore, HandlerContextImpl context) throws Exception {
    MDC.put("spore_id", spore.id());
    MDC.put("trace_id", context.traceId());
    MDC.put("agent", agent.agentName());
    try {
      return context.cause().callWithin(() -> agent.handler().handle(spore, context));
    } finally {
      MDC.remove("agent");
      MDC.remove("trace_id");
      MDC.remove("spore_id");
    }
  }

  private void finished(Delivery delivery, HandlerContextImpl context, long start, Object result, Throwable error) {
    long end = System.nanoTime();
    held.progressed(end);
    Spore spore = delivery.spore();
    latency.record(spore.type(), end - start);
    if (error != null) {
      Throwable cause = Outbox.unwrap(error);
      if (isFatal(cause)) {
        duplicates.release(spore.id());
        settle(delivery, delivery::requeue); // another instance, in a healthier JVM, may take it
        throw (Error) cause;
      }
      failed(delivery, context, cause);
      return;
    }
    duplicates.handled(spore.id());
    handled.increment(spore.type());
    if (spore.type() == SporeType.REQUEST && !context.replied()) {
      // The reply is part of handling: acknowledge once it has been sent (or has failed).
      replySafely(spore, () -> context.replyWithResult(result)).whenComplete((ok, ignored) -> settle(delivery,
          delivery::ack));
    } else {
      settle(delivery, delivery::ack);
    }
  }

  /** An error no retry can cure and no handler may swallow: the JVM itself is in trouble. */
  private static boolean isFatal(Throwable error) {
    return error instanceof VirtualMachineError && !(error instanceof StackOverflowError);
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
        warnings.warn("agent '{}' could not reply to request {}: {}", agent.agentName(), request.id(),
            Outbox.unwrap(error).toString());
      }
    });
  }

  private void failed(Delivery delivery, HandlerContextImpl context, Throwable error) {
    Spore spore = delivery.spore();
    duplicates.release(spore.id());
    if (released) {
      // Past the drain timeout the spore went back to its queue for another instance (and this
      // handler was likely interrupted by the shutdown): this outcome settles nothing.
      LOG.debug("agent '{}': spore {} failed after its instance released it: {}", agent.agentName(), spore.id(),
          error.toString());
      settle(delivery, () -> {});
      return;
    }
    metrics.count(ReefMetrics.FAILED, channelName, agent.agentName(), spore);
    String description = error.getClass().getName() + ": " + error.getMessage();
    int attempt = delivery.attempt();
    RetryPolicy retry = agent.retry();
    // A retry waits in the backend and returns to the agent's queue, so it survives this instance stopping;
    // a spore the handler can never take is not retried at all.
    if (attempt < retry.maxAttempts() && !(error instanceof UnprocessableSporeException)) {
      Duration delay = retry.backoffAfter(attempt);
      warnings.warn("agent '{}' failed spore {} (attempt {} of {}), retrying in {} ms: {}", agent.agentName(),
          spore.id(), attempt, retry.maxAttempts(), delay.toMillis(), description);
      metrics.count(ReefMetrics.RETRIED, channelName, agent.agentName(), spore);
      settle(delivery, () -> delivery.retry(delay, description));
      return;
    }
    LOG.error("agent '{}' gave up on spore {} after {} attempt(s); dead-lettered: {}", agent.agentName(), spore.id(),
        attempt, description);
    metrics.count(ReefMetrics.DEAD_LETTERED, channelName, agent.agentName(), spore);
    settle(delivery, () -> delivery.deadLetter(new DeadLetterReason(description, attempt, agent.agentName())));
    if (spore.type() == SporeType.REQUEST && !context.replied()) {
      replySafely(spore, () -> context.replyWithError(error));
    }
  }

  private boolean dropIfExpired(Delivery delivery) {
    Spore spore = delivery.spore();
    // Most spores never expire: no clock read for them.
    if (spore.expiresAt() == null || !spore.isExpiredAt(Instant.now())) {
      return false;
    }
    metrics.count(ReefMetrics.EXPIRED, channelName, agent.agentName(), spore);
    LOG.debug("agent '{}' dropped expired spore {} (expired at {})", agent.agentName(), spore.id(), spore.expiresAt());
    settle(delivery, delivery::ack);
    return true;
  }

  private void settle(Delivery delivery, Runnable settlement) {
    try {
      settlement.run();
    } catch (RuntimeException e) {
      warnings.warn("agent '{}' could not settle a delivery: {}", agent.agentName(), e.toString());
    } finally {
      metrics.settledOne();
      inFlight.decrementAndGet(delivery.spore().type().ordinal());
      held.settled();
    }
  }
}
