package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.Subscription;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.PresenceMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of an agent on a channel: its consumer, its worker lane and its delivery
 * processor, from start to drained stop. Stopping goes RUNNING -> STOPPING (no new deliveries;
 * unfinished handlers finish, up to the drain timeout) -> STOPPED (the consumer closes and returns
 * what is still unsettled to the queue; handlers still running past the drain timeout are
 * interrupted, so that they give their threads back and the worker deployment can end).
 */
final class AgentInstance implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(AgentInstance.class);
  private static final int RUNNING = 0;
  private static final int STOPPING = 1;
  private static final int STOPPED = 2;
  /** How long interrupted handlers have to leave their threads: ample for one that answers interrupts. */
  static final Duration HANDLER_EXIT_GRACE = Duration.ofSeconds(1);

  private final String channel;
  private final String agentName;
  private final String instanceId;
  private final Set<String> capabilities;
  private final Instant startedAt = Instant.now();
  private final DeliveryProcessor processor;
  private final Outcomes outcomes;
  private final HeldDeliveries held;
  private final WorkerLane lane;
  private final Access access;
  private final Instances instances;
  private final Duration defaultDrainTimeout;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private volatile ConsumerHandle consumer;

  AgentInstance(String channel, String agentName, String instanceId, Set<String> capabilities,
      DeliveryProcessor processor, Outcomes outcomes, HeldDeliveries held, WorkerLane lane, Access access,
      Instances instances, Duration defaultDrainTimeout) {
    this.channel = channel;
    this.agentName = agentName;
    this.instanceId = instanceId;
    this.capabilities = capabilities;
    this.processor = processor;
    this.outcomes = outcomes;
    this.held = held;
    this.lane = lane;
    this.access = access;
    this.instances = instances;
    this.defaultDrainTimeout = defaultDrainTimeout;
  }

  /** The consumer feeding this instance, once the backend has opened it. */
  void consuming(ConsumerHandle handle) {
    this.consumer = handle;
  }

  /** How the directory announces this instance now. */
  PresenceMessage.Instance describe(long nowNanos, long stalledAfterNanos) {
    return new PresenceMessage.Instance(agentName, instanceId, channel, capabilities, startedAt,
        held.stalled(nowNanos, stalledAfterNanos));
  }

  /** Stops taking spores: the first half of a stop, so that many instances drain in parallel. */
  void stopAccepting() {
    if (state.compareAndSet(RUNNING, STOPPING)) {
      processor.stopAccepting();
      ConsumerHandle handle = consumer;
      try {
        if (handle != null) {
          handle.cancel();
        }
      } finally {
        processor.consumerCancelled(); // even if the cancel failed: the held deliveries must settle
      }
    }
  }

  /** Waits for unfinished handlers until {@code deadlineNanos}, then releases what is left and stops. */
  void finish(long deadlineNanos) {
    if (release(deadlineNanos)) {
      end(System.nanoTime() + HANDLER_EXIT_GRACE.toNanos());
    }
  }

  /**
   * The first part of {@link #finish}, so that many instances' handlers are interrupted together:
   * waits for unfinished handlers until {@code deadlineNanos}, then returns what is left to the queue
   * and interrupts the handlers still running. False when the instance was stopped already.
   */
  boolean release(long deadlineNanos) {
    stopAccepting();
    if (state.getAndSet(STOPPED) == STOPPED) {
      return false;
    }
    int left = held.awaitNone(deadlineNanos);
    if (left > 0) {
      LOG.warn("agent '{}' instance {}: {} spore(s) unfinished after the drain timeout go back to the queue",
          agentName, instanceId, left);
    }
    outcomes.released();
    ConsumerHandle handle = consumer;
    if (handle != null) {
      handle.close();
    }
    instances.remove(this);
    if (left > 0) {
      processor.interruptHandlers(); // their outcomes settle nothing now; their threads come back
    }
    return true;
  }

  /**
   * The second part of {@link #finish}: once interrupted handlers have left their threads (waiting
   * until {@code graceDeadlineNanos}), ends the worker deployment. False when a handler still holds
   * its thread: the deployment is left to end with Vert.x, as undeploying it would wait on that thread.
   */
  boolean end(long graceDeadlineNanos) {
    if (!processor.awaitHandlersGone(graceDeadlineNanos)) {
      LOG.warn("agent '{}' instance {}: a handler ignored its interrupt and still holds its worker thread; the thread"
          + " is left to it, and its worker deployment ends with Vert.x", agentName, instanceId);
      return false;
    }
    lane.close(Duration.ofSeconds(5));
    return true;
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
    return channel;
  }

  @Override
  public boolean isActive() {
    return state.get() == RUNNING;
  }

  @Override
  public void close() {
    close(defaultDrainTimeout);
  }

  @Override
  public void close(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (state.get() == STOPPED) {
      return;
    }
    access.check(new AccessRequest(Action.UNSUBSCRIBE, channel, agentName, null, null));
    finish(System.nanoTime() + drainTimeout.toNanos());
  }

  @Override
  public String toString() {
    return "AgentInstance[" + agentName + "@" + channel + " " + instanceId + "]";
  }
}
