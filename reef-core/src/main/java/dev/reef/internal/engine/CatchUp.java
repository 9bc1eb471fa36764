package dev.reef.internal.engine;

import dev.reef.HistoryEntry;
import dev.reef.HistoryStart;
import dev.reef.internal.history.RangeScan;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Catch up from T" (SPEC §3.16): an instance handles the spores of the channel's history meant for
 * it, stored from T up to the end of the history as it is once the agent's queue is bound, then its
 * live spores. No gap: a spore published before the queue was bound is in that part of the history;
 * one published after it is in the queue. No duplicate: live deliveries wait (unsettled, so the
 * prefetch holds the rest in the queue) until the catch-up has handed over its last spore, and those
 * whose ids it handled are acknowledged unhandled. History spores go through the same processor as
 * live ones (verification, expiry, duplicates, retries), at most {@code prefetch} unfinished at once.
 *
 * <p>A spore from history whose handler keeps failing is not dead-lettered (it stays in the history):
 * it is counted as dead-lettered and logged. Its ids are remembered while the instance runs.
 */
final class CatchUp implements DeliveryHandler, HistoryDelivery.Settlement {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  private static final Duration IDLE = Duration.ofSeconds(30);

  private final String channel;
  private final String agent;
  private final DeliveryProcessor processor;
  private final ReefMetrics metrics;
  private final ScheduledExecutorService timer;
  private final Semaphore unfinished;
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final List<Delivery> held = new ArrayList<>(); // guarded by this
  private boolean open; // guarded by this

  CatchUp(String channel, String agent, int prefetch, DeliveryProcessor processor, ReefMetrics metrics,
      ScheduledExecutorService timer) {
    this.channel = channel;
    this.agent = agent;
    this.processor = processor;
    this.metrics = metrics;
    this.timer = timer;
    this.unfinished = new Semaphore(prefetch);
  }

  /** Live deliveries wait until the catch-up is done. */
  @Override
  public void onDelivery(Delivery delivery) {
    synchronized (this) {
      if (!open) {
        held.add(delivery);
        return;
      }
    }
    live(delivery);
  }

  @Override
  public void onUndecodable(String reason) {
    processor.onUndecodable(reason);
  }

  /** Starts catching up from {@code from} on a thread of its own; call once the agent's queue is bound. */
  void start(HistoryLog log, Instant from) {
    Thread thread = new Thread(() -> run(log, from), "reef-catch-up-" + agent + "@" + channel);
    thread.setDaemon(true);
    thread.start();
  }

  private void run(HistoryLog log, Instant from) {
    long[] count = new long[1];
    try {
      HistoryBounds bounds = log.bounds();
      LOG.debug("agent '{}' on '{}' catches up on the history since {} up to offset {}", agent, channel, from,
          bounds.end() - 1);
      RangeScan.scan(log, HistoryStart.instant(from), bounds, IDLE, entry -> {
        if (isFor(entry.spore()) && processor.accepting() && take()) {
          handled.add(entry.spore().id());
          processor.onDelivery(new HistoryDelivery(entry, channel, 1, this));
          count[0]++;
        }
        return processor.accepting();
      });
      LOG.debug("agent '{}' on '{}' caught up on {} spore(s) from history since {}", agent, channel, count[0], from);
    } catch (RuntimeException e) {
      metrics.rejected(channel, agent, "catch_up_failed");
      LOG.error("agent '{}' on '{}' could not catch up on the history since {} after {} spore(s); live spores go on: {}",
          agent, channel, from, count[0], e.toString());
    } finally {
      openGate();
    }
  }

  /** Directed to this agent, or broadcast by another; replies go to requesters, never to agent queues. */
  private boolean isFor(Spore spore) {
    if (spore.type() == SporeType.RESPONSE) {
      return false;
    }
    return spore.isBroadcast() ? !agent.equals(spore.fromAgent()) : agent.equals(Names.agentOf(spore.toAgent()));
  }

  /**
   * Waits for one of the {@code prefetch} places of history spores in hand: for as long as handlers
   * take (a handler may call a slow model), saying so every {@link #IDLE} (live spores wait meanwhile).
   */
  private boolean take() {
    try {
      long since = System.nanoTime();
      long said = since;
      while (processor.accepting()) {
        if (unfinished.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          return true;
        }
        long now = System.nanoTime();
        if (now - said >= IDLE.toNanos()) {
          said = now;
          LOG.warn("agent '{}' on '{}' has waited {} s for the handlers of the history spores in hand to finish;"
              + " its catch-up, and its live spores behind it, wait meanwhile", agent, channel,
              TimeUnit.NANOSECONDS.toSeconds(now - since));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void openGate() {
    synchronized (this) {
      LOG.debug("agent '{}' on '{}' goes live with {} spore(s) held", agent, channel, held.size());
      open = true;
      for (Delivery delivery : held) {
        live(delivery); // in arrival order, before any later delivery (which waits for this lock)
      }
      held.clear();
    }
  }

  private void live(Delivery delivery) {
    if (handled.contains(delivery.spore().id())) {
      metrics.count(ReefMetrics.DUPLICATES, channel, agent, delivery.spore());
      delivery.ack();
      return;
    }
    processor.onDelivery(delivery);
  }

  @Override
  public void done(HistoryDelivery delivery) {
    unfinished.release();
  }

  @Override
  public void retry(HistoryDelivery delivery, Duration delay, String error) {
    HistoryEntry entry = delivery.entry();
    timer.schedule(() -> processor.onDelivery(new HistoryDelivery(entry, channel, delivery.attempt() + 1, this)),
        delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void gaveUp(HistoryDelivery delivery, DeadLetterReason reason) {
    unfinished.release();
    metrics.count(ReefMetrics.DEAD_LETTERED, channel, agent, delivery.spore());
    LOG.warn("agent '{}' on '{}' gave up on spore {} from history after {} attempt(s): {}; it stays in the history,"
        + " not in the dead letters", agent, channel, delivery.spore().id(), reason.attempts(), reason.error());
  }
}
