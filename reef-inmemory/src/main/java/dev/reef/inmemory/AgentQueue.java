package dev.reef.inmemory;

import dev.reef.spi.DeadLetterReason;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of one agent name on one channel (AMQP: {@code ns.CHANNEL.AGENT}), shared by every
 * instance of the agent: priority first, FIFO within a priority, round-robin over the consumers
 * that have room under their prefetch.
 *
 * <p>Threading: a short lock guards the messages and the consumers' bookkeeping; handlers are called
 * outside it. Deliveries are made by a drain loop that at most one thread runs at a time (a
 * work-in-progress counter, as in reactive libraries): whoever makes work available — a publisher, a
 * settlement freeing room — asks for a drain, and either becomes the drainer or leaves the work to the
 * thread already draining. The drainer takes deliveries in batches, one hold of the lock each (the
 * first batch within the hold in which it made the work available), and hands them out after it. A
 * handler that settles inside {@code onDelivery} therefore never recurses, and deliveries from one
 * queue reach handlers one at a time, in queue order. A thread drains at most
 * a budget of deliveries before handing the rest to the broker's executor, so no caller is held
 * hostage by a busy queue.
 */
final class AgentQueue {
  private static final Logger LOG = LoggerFactory.getLogger(AgentQueue.class);
  private static final int CALLER_BUDGET = 256;
  private static final int EXECUTOR_BUDGET = 1024;
  private static final int SPINS_BEFORE_PARKING = 100;
  private static final int BATCH = 16; // deliveries taken under one hold of the lock
  private static final QueueConsumer[] NO_CONSUMERS = new QueueConsumer[0];

  private final Namespace namespace;
  private final String channel;
  private final String agentName;
  private final String name;
  private final int maxLength;

  private final ReentrantLock lock = new ReentrantLock();
  private final PriorityLevels waiting = new PriorityLevels();
  private volatile QueueConsumer[] consumers = NO_CONSUMERS; // open, not cancelled; copy-on-write
  private int nextConsumer; // round-robin position

  private final AtomicInteger drainRequests = new AtomicInteger();
  // The drainer's, while it drains (the drain requests order one drainer after the other):
  private final QueuedDelivery[] batch = new QueuedDelivery[BATCH];
  private boolean batchEndedTheWork; // the last take stopped for want of messages or room, not of space

  AgentQueue(Namespace namespace, String channel, String agentName) {
    this.namespace = namespace;
    this.channel = channel;
    this.agentName = agentName;
    this.name = namespace.name() + "." + channel + "." + agentName;
    this.maxLength = namespace.broker().maxQueueLength();
  }

  String name() {
    return name;
  }

  String channel() {
    return channel;
  }

  String agentName() {
    return agentName;
  }

  int maxLength() {
    return maxLength;
  }

  /** The running consumers (open and not cancelled). */
  QueueConsumer[] consumers() {
    return consumers;
  }

  /** How many messages wait for a consumer. */
  int ready() {
    acquire();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends a published message unless the queue is full (AMQP: {@code x-max-length} with {@code
   * reject-publish}), then delivers what it can.
   *
   * @return false when the queue refused it
   */
  boolean publish(Message message) {
    int taken;
    acquire();
    try {
      if (waiting.size() >= maxLength) {
        return false;
      }
      waiting.add(message, false);
      // When every consumer is full, the settlement that frees one will drain: no need to try here.
      taken = anyConsumerHasRoom() ? takeIfDraining() : -1;
    } finally {
      lock.unlock();
    }
    if (taken >= 0) {
      drainLoop(1, CALLER_BUDGET, taken);
    }
    return true;
  }

  /**
   * Appends a message that the queue had already accepted once (a retry): like a requeue, it is never
   * refused for length, so that nothing accepted is lost.
   */
  void enqueueAccepted(Message message) {
    acquire();
    try {
      waiting.add(message, false);
    } finally {
      lock.unlock();
    }
    drain();
  }

  void attach(QueueConsumer consumer) {
    acquire();
    try {
      QueueConsumer[] now = Arrays.copyOf(consumers, consumers.length + 1);
      now[now.length - 1] = consumer;
      consumers = now;
    } finally {
      lock.unlock();
    }
    // Not on the caller's thread: no handler may run before consume() has returned its handle.
    if (drainRequests.getAndIncrement() == 0) {
      continueOnExecutor(1);
    }
  }

  void cancel(QueueConsumer consumer) {
    acquire();
    try {
      detach(consumer);
    } finally {
      lock.unlock();
    }
  }

  /** Cancels the consumer and returns its unsettled deliveries to the head, in their order. */
  void close(QueueConsumer consumer) {
    int returned = 0;
    acquire();
    try {
      detach(consumer);
      if (consumer.closed) {
        return;
      }
      consumer.closed = true;
      for (QueuedDelivery delivery = consumer.newest; delivery != null; delivery = delivery.older) {
        delivery.settled = true;
        waiting.add(delivery.message.redelivery(), true);
        returned++;
      }
      consumer.oldest = null;
      consumer.newest = null;
      consumer.unsettled = 0;
    } finally {
      lock.unlock();
    }
    if (returned > 0) {
      LOG.debug("{}: consumer {} closed with {} unsettled deliveries; they return to the queue", name,
          consumer.spec().instanceId(), returned);
      drain();
    }
  }

  /**
   * Settles a delivery once: later calls, and calls after its consumer closed, do nothing.
   *
   * @param requeued the message to put back at the head, or null to remove it
   * @return true when this call settled it
   */
  boolean settle(QueuedDelivery delivery, Message requeued) {
    int taken;
    acquire();
    try {
      if (delivery.settled) {
        return false;
      }
      delivery.settled = true;
      delivery.consumer.release(delivery);
      if (requeued != null) {
        waiting.add(requeued, true);
      }
      taken = waiting.size() > 0 ? takeIfDraining() : -1; // the consumer has room again
    } finally {
      lock.unlock();
    }
    if (taken >= 0) {
      drainLoop(1, CALLER_BUDGET, taken);
    }
    return true;
  }

  /** Brings a failed message back to this queue (only this one, even for a broadcast) after the delay. */
  void retryLater(Message next, Duration delay, InMemoryBackend scheduledBy) {
    scheduledBy.retryScheduled();
    try {
      namespace.broker().schedule(delay, () -> {
        try {
          enqueueAccepted(next);
        } finally {
          scheduledBy.retryFired();
        }
      });
    } catch (RejectedExecutionException e) {
      scheduledBy.retryFired();
      LOG.warn("{}: retry of spore {} dropped: the in-memory broker is closed", name, next.spore().id());
    }
  }

  void deadLetter(Message message, DeadLetterReason reason) {
    namespace.deadLetters().add(message, channel, reason);
  }

  /** Asks for a drain: runs it here unless another thread is draining, which then does the work. */
  void drain() {
    if (drainRequests.getAndIncrement() == 0) {
      drainLoop(1, CALLER_BUDGET, 0);
    }
  }

  /**
   * Under the lock, with work made available: asks for a drain and, when this thread becomes the
   * drainer, takes the first deliveries while it holds the lock anyway (a settlement then costs one
   * hold of a lock the publisher contends for, not three).
   *
   * @return how many deliveries were taken into the batch, or -1 when another thread drains
   */
  private int takeIfDraining() {
    return drainRequests.getAndIncrement() == 0 ? takeLocked(BATCH) : -1;
  }

  /** Hands out deliveries, {@code taken} of them in the batch already, until no work is left or the budget is spent. */
  private void drainLoop(int missed, int budget, int taken) {
    int handed = 0;
    for (;;) {
      boolean endedTheWork = false;
      while (!endedTheWork) {
        if (taken == 0) {
          if (handed >= budget) {
            continueOnExecutor(missed);
            return;
          }
          taken = take(Math.min(BATCH, budget - handed));
        }
        endedTheWork = batchEndedTheWork;
        for (int i = 0; i < taken; i++) {
          QueuedDelivery delivery = batch[i];
          batch[i] = null;
          if (!delivery.settled) { // settled: its consumer closed while an earlier one was handed
            hand(delivery);
          }
        }
        handed += taken;
        taken = 0;
      }
      // Work made available since the last take asked for a drain after making it: nothing is missed.
      missed = drainRequests.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /** Hands the drain, with its {@code missed} requests, to the broker's executor. */
  private void continueOnExecutor(int missed) {
    try {
      namespace.broker().execute(() -> drainLoop(missed, EXECUTOR_BUDGET, 0));
    } catch (RejectedExecutionException e) {
      LOG.debug("{}: drain stopped, the in-memory broker is closed", name);
    }
  }

  private int take(int max) {
    acquire();
    try {
      return takeLocked(max);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Under the lock: takes up to {@code max} messages into the batch, each for the next consumer with
   * room in turn. A batch holds one consumer's deliveries: should handing one of them close that
   * consumer, the rest went back to the queue with it, in order, for the next consumer.
   */
  private int takeLocked(int max) {
    int count = 0;
    QueueConsumer consumer = null;
    boolean endedTheWork = true;
    while (count < max && waiting.size() > 0) {
      QueueConsumer turn = nextConsumerWithRoom();
      if (turn == null) {
        break;
      }
      if (consumer != null && turn != consumer) {
        endedTheWork = false; // another consumer's turn: its own batch
        break;
      }
      consumer = turn;
      nextConsumer = (nextConsumer + 1) % consumers.length;
      QueuedDelivery delivery = new QueuedDelivery(this, consumer, waiting.poll());
      consumer.hold(delivery);
      batch[count++] = delivery;
    }
    batchEndedTheWork = endedTheWork && count < max;
    return count;
  }

  private boolean anyConsumerHasRoom() {
    for (QueueConsumer consumer : consumers) {
      if (consumer.unsettled < consumer.spec().prefetch()) {
        return true;
      }
    }
    return false;
  }

  /** The consumer whose turn it is among those with room, or null; {@link #takeLocked} moves the turn on. */
  private QueueConsumer nextConsumerWithRoom() {
    QueueConsumer[] all = consumers;
    int count = all.length;
    for (int i = 0; i < count; i++) {
      int index = (nextConsumer + i) % count;
      QueueConsumer consumer = all[index];
      if (consumer.unsettled < consumer.spec().prefetch()) {
        nextConsumer = index;
        return consumer;
      }
    }
    return null;
  }

  private void hand(QueuedDelivery delivery) {
    QueueConsumer consumer = delivery.consumer;
    try {
      consumer.handler().onDelivery(delivery);
    } catch (RuntimeException | Error e) {
      // As the AMQP client closes a channel whose consumer throws: its deliveries go to other instances.
      // Errors are caught too, or the drain would stop for good with its work-in-progress count held.
      LOG.error("{}: the delivery handler of consumer {} threw; closing that consumer", name,
          consumer.spec().instanceId(), e);
      consumer.close();
    }
  }

  private void detach(QueueConsumer consumer) {
    if (consumer.cancelled) {
      return;
    }
    consumer.cancelled = true;
    QueueConsumer[] all = consumers;
    QueueConsumer[] now = new QueueConsumer[all.length - 1];
    int at = 0;
    for (QueueConsumer each : all) {
      if (each != consumer) {
        now[at++] = each;
      }
    }
    consumers = now;
  }

  /**
   * Takes the lock, spinning briefly first. It is held for well under a microsecond, while a thread
   * that parks on it costs the thread handing it over a wake-up (a system call): with a publisher and
   * a consumer on one queue, that was a sixth of the consumer's time.
   */
  private void acquire() {
    for (int spin = 0; spin < SPINS_BEFORE_PARKING; spin++) {
      if (lock.tryLock()) {
        return;
      }
      Thread.onSpinWait();
    }
    lock.lock();
  }

  @Override
  public String toString() {
    return "AgentQueue[" + name + "]";
  }
}
