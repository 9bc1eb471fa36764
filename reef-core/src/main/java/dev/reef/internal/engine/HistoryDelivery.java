package dev.reef.internal.engine;

import dev.reef.HistoryEntry;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A spore from a channel's history handed to an agent instance while it catches up: settling it
 * tells the {@link CatchUp} (a retry runs it again after the delay; it never returns to a queue).
 */
final class HistoryDelivery implements Delivery {
  /** What becomes of a settled history delivery. */
  interface Settlement {
    void done(HistoryDelivery delivery);

    void retry(HistoryDelivery delivery, Duration delay, String error);

    void gaveUp(HistoryDelivery delivery, DeadLetterReason reason);
  }

  private final HistoryEntry entry;
  private final String channel;
  private final int attempt;
  private final Settlement settlement;
  private final AtomicBoolean settled = new AtomicBoolean();

  HistoryDelivery(HistoryEntry entry, String channel, int attempt, Settlement settlement) {
    this.entry = entry;
    this.channel = channel;
    this.attempt = attempt;
    this.settlement = settlement;
  }

  HistoryEntry entry() {
    return entry;
  }

  @Override
  public Spore spore() {
    return entry.spore();
  }

  @Override
  public String channel() {
    return channel;
  }

  /** {@inheritDoc} None: a request from history is answered, if at all, through the channel. */
  @Override
  public String replyAddress() {
    return null;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public boolean redelivered() {
    return false;
  }

  @Override
  public Optional<String> verifiedUserId() {
    return Optional.empty();
  }

  @Override
  public void ack() {
    if (settled.compareAndSet(false, true)) {
      settlement.done(this);
    }
  }

  @Override
  public void retry(Duration delay, String error) {
    if (settled.compareAndSet(false, true)) {
      settlement.retry(this, delay, error);
    }
  }

  @Override
  public void deadLetter(DeadLetterReason reason) {
    if (settled.compareAndSet(false, true)) {
      settlement.gaveUp(this, reason);
    }
  }

  @Override
  public void requeue() {
    if (settled.compareAndSet(false, true)) {
      settlement.done(this); // the instance is stopping: the catch-up ends with it
    }
  }
}
