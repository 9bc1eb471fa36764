package dev.reef.amqp;

import java.util.Iterator;
import java.util.TreeSet;

/**
 * Decides when the acks of one consumer channel go to the broker. A consumer with more deliveries
 * still in its hands sends one multiple-ack per batch rather than one frame, one system call and one
 * broker round of work per delivery; a consumer with nothing else in hand acks at once.
 *
 * <p>A multiple-ack for tag {@code N} settles every delivery up to {@code N} that the broker still
 * counts as unacked, so it is only sent up to below the lowest delivery not yet settled here. Acks
 * above that one (out-of-order settling with concurrent handlers) wait for it, or for {@link
 * #flush(boolean) flush(true)}, which sends them one by one: the owner calls that shortly after
 * {@link #acked} reports acks left waiting, and before closing the channel, so an ack is never held
 * for long nor lost to a close.
 *
 * <p>Delivery tags are those of one channel, which the client keeps rising across connection
 * recovery; every delivery must be reported to {@link #delivered} before it is settled.
 */
final class AckBatcher {
  /** Where acks go: the channel. */
  interface Wire {
    void ack(long deliveryTag, boolean multiple);
  }

  private final int batch;
  private final Wire wire;
  private final TreeSet<Long> unsettled = new TreeSet<>(); // delivered, neither acked nor requeued
  private final TreeSet<Long> waiting = new TreeSet<>(); // acked here, not yet sent

  /** @param batch the most acks kept waiting while other deliveries are in hand; 1 sends each at once */
  AckBatcher(int batch, Wire wire) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    this.batch = batch;
    this.wire = wire;
  }

  /** A batch for a consumer with {@code prefetch}: half of it (so the broker always has room to deliver), at most 64. */
  static int batchFor(int prefetch) {
    return Math.max(1, Math.min(64, prefetch / 2));
  }

  /** The broker delivered {@code deliveryTag}. Called in delivery order. */
  synchronized void delivered(long deliveryTag) {
    unsettled.add(deliveryTag);
  }

  /**
   * {@code deliveryTag} is done with: its ack is sent now or kept for a batch.
   *
   * @return true when acks are left waiting, for a {@code flush(true)} soon
   */
  synchronized boolean acked(long deliveryTag) {
    if (!unsettled.remove(deliveryTag)) {
      wire.ack(deliveryTag, false); // not known here (never reported): no batching for it
      return !waiting.isEmpty();
    }
    waiting.add(deliveryTag);
    if (unsettled.isEmpty()) {
      flush(true);
    } else if (waiting.size() >= batch) {
      flush(false);
    }
    return !waiting.isEmpty();
  }

  /** {@code deliveryTag} goes back to the queue (the caller nacks it): it no longer holds acks back. */
  synchronized void requeued(long deliveryTag) {
    unsettled.remove(deliveryTag);
  }

  /**
   * Sends the waiting acks that one multiple-ack can carry; with {@code all}, also those above an
   * unsettled delivery, one by one.
   */
  synchronized void flush(boolean all) {
    if (waiting.isEmpty()) {
      return;
    }
    Long lowestUnsettled = unsettled.isEmpty() ? null : unsettled.first();
    Long upTo = lowestUnsettled == null ? waiting.last() : waiting.lower(lowestUnsettled);
    if (upTo != null) {
      waiting.headSet(upTo, true).clear();
      wire.ack(upTo, true);
    }
    if (all) {
      for (Iterator<Long> each = waiting.iterator(); each.hasNext(); ) {
        wire.ack(each.next(), false);
        each.remove();
      }
    }
  }

  /** Acks waiting to be sent. */
  synchronized int waiting() {
    return waiting.size();
  }
}
