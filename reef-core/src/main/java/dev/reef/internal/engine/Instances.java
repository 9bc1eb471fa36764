package dev.reef.internal.engine;

import dev.reef.spi.PresenceMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The agent instances running in one Reef: what the directory announces, and what closing the Reef
 * stops. Every change is announced at once.
 */
final class Instances {
  private final Set<AgentInstance> running = ConcurrentHashMap.newKeySet();
  private final long stalledAfterNanos;
  private volatile Supplier<CompletableFuture<Void>> announce = () -> CompletableFuture.completedFuture(null);

  /** @param heartbeat the directory's heartbeat: an instance without progress for three of them is stalled */
  Instances(Duration heartbeat) {
    this.stalledAfterNanos = heartbeat.toNanos() * 3;
  }

  /** Calls {@code announcer} on every change (set once, while the Reef is assembled). */
  void announceWith(Supplier<CompletableFuture<Void>> announcer) {
    this.announce = announcer;
  }

  /** Adds a started instance; the future completes when the backend has the announcement. */
  CompletableFuture<Void> add(AgentInstance instance) {
    running.add(instance);
    return announce.get();
  }

  void remove(AgentInstance instance) {
    if (running.remove(instance)) {
      announce.get();
    }
  }

  /** The running instances as presence announces them. */
  List<PresenceMessage.Instance> describe() {
    long now = System.nanoTime();
    List<PresenceMessage.Instance> all = new ArrayList<>(running.size());
    for (AgentInstance instance : running) {
      all.add(instance.describe(now, stalledAfterNanos));
    }
    return all;
  }

  /**
   * Stops every instance, all draining in parallel within one {@code drainTimeout}, and the handlers
   * still running then interrupted together; false when one of them kept its thread all the same.
   */
  boolean stopAll(Duration drainTimeout) {
    List<AgentInstance> all = new ArrayList<>(running);
    all.forEach(AgentInstance::stopAccepting);
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    List<AgentInstance> released = new ArrayList<>(all.size());
    for (AgentInstance instance : all) {
      if (instance.release(deadline)) {
        released.add(instance);
      }
    }
    long grace = System.nanoTime() + AgentInstance.HANDLER_EXIT_GRACE.toNanos();
    boolean threadsBack = true;
    for (AgentInstance instance : released) {
      threadsBack &= instance.end(grace);
    }
    return threadsBack;
  }
}
