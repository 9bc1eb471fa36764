package dev.reef;

import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One running instance of an agent on a channel: takes deliveries from the backend, filters expired
 * spores, own broadcasts and duplicates, runs the handler on the agent's worker pool, and settles
 * each delivery once the handler has finished (ack, retry with back-off, or dead letter).
 */
final class AgentInstance implements Subscription, DeliveryHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AgentInstance.class);

  private final Reef reef;
  private final ChannelImpl channel;
  private final String agentName;
  private final String instanceId = UUID.randomUUID().toString();
  private final SubscriptionOptions options;
  private final SporeHandler handler;
  private final WorkerExecutor pool;
  private final Executor workers; // the pool's threads, fed directly
  private final SerialExecutor serial;
  private final DuplicateWindow duplicates;
  private final java.util.concurrent.atomic.AtomicLongArray inFlight; // by spore type, shared per agent
  private final ReefMetrics.PerType received;
  private final ReefMetrics.PerType handled;
  private final ReefMetrics.PerTypeTimer latency;
  private final AtomicBoolean accepting = new AtomicBoolean(true);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object drainLock = new Object(); // closing waits on it for the last settlement
  private final AtomicInteger held = new AtomicInteger(); // deliveries taken and not yet settled
  private volatile ConsumerHandle consumer;
  private volatile boolean released; // the consumer closed: unsettled deliveries went back to the queue

  private AgentInstance(Reef reef, ChannelImpl channel, String agentName, SubscriptionOptions options,
      SporeHandler handler) {
    this.reef = reef;
    this.channel = channel;
    this.agentName = agentName;
    this.options = options;
    this.handler = handler;
    this.pool = reef.vertx().createSharedWorkerExecutor("reef-agent-" + agentName, options.poolSize());
    this.workers = WorkerPools.executor(pool);
    this.serial = options.concurrency() == Concurrency.SEQUENTIAL ? new SerialExecutor(workers) : null;
    this.duplicates = reef.duplicateWindow(channel.name(), agentName, options.duplicateWindow());
    this.inFlight = reef.metrics().inFlight(channel.name(), agentName);
    this.received = reef.metrics().counters(ReefMetrics.RECEIVED, channel.name(), agentName);
    this.handled = reef.metrics().counters(ReefMetrics.HANDLED, channel.name(), agentName);
    this.latency = reef.metrics().timers(ReefMetrics.HANDLER_LATENCY, channel.name(), agentName);
  }

  static AgentInstance start(Reef reef, ChannelImpl channel, String agentName, SubscriptionOptions options,
      SporeHandler handler) {
    AgentInstance instance = new AgentInstance(reef, channel, agentName, options, handler);
    reef.instances().add(instance);
    try {
      instance.consumer = reef.backend().consume(
          new ConsumerSpec(channel.name(), agentName, instance.instanceId, options.prefetch(), options.capabilities()),
          instance);
    } catch (RuntimeException e) {
      reef.instances().remove(instance);
      instance.pool.close();
      throw e;
    }
    return instance;
  }

  /** Closes many instances together, so that they drain in parallel within one timeout. */
  static void closeAll(Collection<AgentInstance> instances, Duration drainTimeout) {
    List<AgentInstance> all = new ArrayList<>(instances);
    all.forEach(AgentInstance::stopAccepting);
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    for (AgentInstance instance : all) {
      instance.finish(deadline);
    }
  }

  @Override
  public void onDelivery(Delivery delivery) {
    held.incrementAndGet();
    reef.metrics().heldOne();
    Spore spore = delivery.spore();
    inFlight.incrementAndGet(spore.type().ordinal());
    received.increment(spore.type());
    if (!accepting.get()) {
      settle(delivery, delivery::requeue);
    } else if (spore.isBroadcast() && agentName.equals(spore.fromAgent())) {
      settle(delivery, delivery::ack); // a broadcast reaches every agent but its sender (SPEC §3.2)
    } else if (dropIfExpired(delivery)) {
      return;
    } else if (delivery.redelivered() && duplicates.contains(spore.id())) {
      // Only a redelivery is checked here, to ack it without a trip to the pool; any other duplicate
      // (a re-sent publish) is caught when the worker claims its id, which every delivery does.
      reef.metrics().count(ReefMetrics.DUPLICATES, channel.name(), agentName, spore);
      settle(delivery, delivery::ack);
    } else if (serial != null) {
      serial.execute(() -> process(delivery));
    } else {
      workers.execute(() -> process(delivery));
    }
  }

  @Override
  public void onUndecodable(String reason) {
    reef.metrics().count(ReefMetrics.UNDECODABLE, channel.name(), agentName, "unknown");
    LOG.warn("agent '{}' on '{}': a message that is not a valid spore was dead-lettered: {}", agentName,
        channel.name(), reason);
  }

  /** Runs on the worker pool. */
  private void process(Delivery delivery) {
    Spore spore = delivery.spore();
    if (!accepting.get()) {
      settle(delivery, delivery::requeue);
      return;
    }
    if (dropIfExpired(delivery)) {
      return;
    }
    if (!duplicates.claim(spore.id())) {
      reef.metrics().count(ReefMetrics.DUPLICATES, channel.name(), agentName, spore);
      settle(delivery, delivery::ack);
      return;
    }
    InstanceContext context = new InstanceContext(this, delivery);
    long start = System.nanoTime();
    Object result;
    try {
      result = handleTraced(spore, context);
    } catch (Throwable error) {
      latency.record(spore.type(), System.nanoTime() - start);
      failed(delivery, context, error);
      return;
    }
    latency.record(spore.type(), System.nanoTime() - start);
    duplicates.handled(spore.id());
    handled.increment(spore.type());
    if (spore.type() == SporeType.REQUEST && !context.replied()) {
      // The reply is part of handling: acknowledge once it has been sent (or has failed).
      replySafely(spore, () -> context.replyWithResult(result))
          .whenComplete((ok, error) -> settle(delivery, delivery::ack));
    } else {
      settle(delivery, delivery::ack);
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
        LOG.warn("agent '{}' could not reply to request {}: {}", agentName, request.id(),
            RequestTracker.unwrap(error).toString());
      }
    });
  }

  /**
   * Runs the handler with the spore's trace as the thread's current trace, and the spore id, trace
   * id and agent in the logging MDC, so the handler's own log lines can be followed along a chain.
   */
  private Object handleTraced(Spore spore, InstanceContext context) throws Exception {
    MDC.put("spore_id", spore.id());
    MDC.put("trace_id", context.traceId());
    MDC.put("agent", agentName);
    try {
      return context.trace().callWithin(() -> handler.handle(spore, context));
    } finally {
      MDC.remove("agent");
      MDC.remove("trace_id");
      MDC.remove("spore_id");
    }
  }

  private void failed(Delivery delivery, InstanceContext context, Throwable error) {
    Spore spore = delivery.spore();
    duplicates.release(spore.id());
    if (released) {
      // Past the drain timeout the spore went back to its queue for another instance (and this
      // handler was likely interrupted by the shutdown): this outcome settles nothing.
      LOG.debug("agent '{}': spore {} failed after its instance released it: {}", agentName, spore.id(), error.toString());
      settle(delivery, () -> {});
      return;
    }
    reef.metrics().count(ReefMetrics.FAILED, channel.name(), agentName, spore);
    String description = error.getClass().getName() + ": " + error.getMessage();
    int attempt = delivery.attempt();
    // A retry waits in the backend and returns to the agent's queue, so it survives this instance stopping.
    if (attempt < options.retry().maxAttempts()) {
      Duration delay = options.retry().backoffAfter(attempt);
      LOG.warn("agent '{}' failed spore {} (attempt {} of {}), retrying in {} ms: {}", agentName, spore.id(),
          attempt, options.retry().maxAttempts(), delay.toMillis(), description);
      reef.metrics().count(ReefMetrics.RETRIED, channel.name(), agentName, spore);
      settle(delivery, () -> delivery.retry(delay, description));
      return;
    }
    LOG.error("agent '{}' gave up on spore {} after {} attempt(s); dead-lettered: {}", agentName, spore.id(),
        attempt, description);
    reef.metrics().count(ReefMetrics.DEAD_LETTERED, channel.name(), agentName, spore);
    settle(delivery, () -> delivery.deadLetter(new DeadLetterReason(description, attempt, agentName)));
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
    reef.metrics().count(ReefMetrics.EXPIRED, channel.name(), agentName, spore);
    LOG.debug("agent '{}' dropped expired spore {} (expired at {})", agentName, spore.id(), spore.expiresAt());
    settle(delivery, delivery::ack);
    return true;
  }

  private void settle(Delivery delivery, Runnable settlement) {
    try {
      settlement.run();
    } catch (RuntimeException e) {
      LOG.warn("agent '{}' could not settle a delivery: {}", agentName, e.toString());
    } finally {
      reef.metrics().settledOne();
      inFlight.decrementAndGet(delivery.spore().type().ordinal());
      // Only a closing instance waits for the count to reach zero: no lock on the way otherwise. The
      // count is read after `closed` is set, so either finish() sees zero or this sees `closed`.
      if (held.decrementAndGet() == 0 && closed.get()) {
        synchronized (drainLock) {
          drainLock.notifyAll();
        }
      }
    }
  }

  private void stopAccepting() {
    if (accepting.compareAndSet(true, false)) {
      ConsumerHandle handle = consumer;
      if (handle != null) {
        handle.cancel();
      }
    }
  }

  /** Waits for unfinished handlers until {@code deadlineNanos}, then releases what is left. */
  private void finish(long deadlineNanos) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (drainLock) {
      long left;
      while (held.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
        try {
          drainLock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (held.get() > 0) {
        LOG.warn("agent '{}' instance {}: {} spore(s) unfinished after the drain timeout go back to the queue",
            agentName, instanceId, held.get());
      }
    }
    released = true;
    ConsumerHandle handle = consumer;
    if (handle != null) {
      handle.close();
    }
    reef.instances().remove(this);
    pool.close();
  }

  @Override
  public String agentName() {
    return agentName;
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public String channel() {
    return channel.name();
  }

  ChannelImpl channelImpl() {
    return channel;
  }

  Reef reef() {
    return reef;
  }

  @Override
  public boolean isActive() {
    return accepting.get();
  }

  @Override
  public void close() {
    close(reef.drainTimeout());
  }

  @Override
  public void close(Duration drainTimeout) {
    java.util.Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (closed.get()) {
      return;
    }
    channel.authorize(new AccessRequest(Action.UNSUBSCRIBE, channel.name(), agentName, null, null));
    stopAccepting();
    finish(System.nanoTime() + drainTimeout.toNanos());
  }

  @Override
  public String toString() {
    return "AgentInstance[" + agentName + "@" + channel.name() + " " + instanceId + "]";
  }
}
