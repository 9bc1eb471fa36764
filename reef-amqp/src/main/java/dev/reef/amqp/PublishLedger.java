package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import dev.reef.QueueFullException;
import dev.reef.ReefException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The state of a {@link ConfirmingPublisher}, owned by one lock that every method takes (briefly: none
 * makes a broker call while holding it): the publishes waiting for a confirm by sequence number, those
 * parked until the connection can take them, the room left among {@code maxOutstanding}, the channel,
 * and whether the connection is up, blocked or closed. It decides; the publisher writes and completes
 * the futures, outside the lock.
 */
final class PublishLedger {

  /** A settled publish and how its future ends: null for success. */
  record Outcome(PendingPublish pending, RuntimeException error) {}

  /** What a publish whose turn came does. */
  enum Place {
    /** Write it now, on {@link Placement#channel()} as {@link Placement#sequence()}. */
    WRITE,
    /** It waits among the parked (the connection cannot take it now). */
    PARKED,
    /** Parked behind what a recovered channel must send again first: drain the parked. */
    PARKED_BEHIND_RESENDS,
    /** Settled already (overdue), or the publisher closed: nothing to write. */
    NONE
  }

  /** Where a publish goes. */
  record Placement(Place place, Channel channel, long sequence) {}

  /** Publishes settled because their confirm deadline passed: written ones, and ones never sent. */
  record Overdue(List<PendingPublish> unanswered, List<PendingPublish> unsent) {}

  /** What closing leaves: the publishes settled unconfirmed, and the channel to close (or null). */
  record Closing(List<PendingPublish> left, Channel channel) {}

  /** How long every publish must have been refused before a fresh channel is tried, at first. */
  static final Duration FIRST_REFRESH = Duration.ofSeconds(1);
  /** The longest wait between fresh channels while every publish is refused (it doubles each time). */
  static final Duration LONGEST_REFRESH = Duration.ofSeconds(30);
  private static final long NOT_REFUSING = Long.MIN_VALUE;

  private final int maxOutstanding;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition roomFreed = lock.newCondition();
  private final Condition allSettled = lock.newCondition();
  private final TreeMap<Long, PendingPublish> unconfirmed = new TreeMap<>();
  private final ArrayDeque<PendingPublish> parked = new ArrayDeque<>();
  private int outstanding;
  private Channel channel;
  private long lastSequence;
  private boolean connected = true;
  private boolean blocked;
  private boolean reopening;
  private boolean closed;
  /** Since when every confirm was a refusal ({@link System#nanoTime()}), or {@link #NOT_REFUSING}. */
  private long refusingSince = NOT_REFUSING;
  private long refreshAfterNanos = FIRST_REFRESH.toNanos();

  PublishLedger(int maxOutstanding) {
    this.maxOutstanding = maxOutstanding;
  }

  /**
   * Takes {@code pending} among the outstanding, waiting for room until {@code deadlineNanos}; returns
   * null when taken, else why not.
   */
  RuntimeException admit(PendingPublish pending, long deadlineNanos) {
    lock.lock();
    try {
      while (true) {
        if (closed) {
          return new ReefException("the AMQP backend is closed; could not send " + pending.message.description());
        }
        if (outstanding < maxOutstanding) {
          outstanding++;
          return null;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return new ReefException("could not send " + pending.message.description() + ": " + maxOutstanding
              + " earlier sends still wait for the broker's confirm (or for a connection), and none was settled"
              + " before the send's deadline");
        }
        roomFreed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ReefException("interrupted while waiting to send " + pending.message.description());
    } finally {
      lock.unlock();
    }
  }

  /** Decides where {@code pending} goes now that its turn on the channel came; records a write. */
  Placement place(PendingPublish pending) {
    lock.lock();
    try {
      if (pending.settled || closed) {
        return new Placement(Place.NONE, null, 0);
      }
      if (!writable()) {
        parked.addLast(pending);
        return new Placement(Place.PARKED, null, 0);
      }
      long sequence = channel.getNextPublishSeqNo();
      if (sequence <= lastSequence) {
        // The channel was recovered (its numbering restarted) before we heard of it: what waited on the
        // old one will never be confirmed, so it goes again, first.
        parkUnconfirmed();
        parked.addLast(pending);
        lastSequence = sequence - 1;
        return new Placement(Place.PARKED_BEHIND_RESENDS, null, 0);
      }
      lastSequence = sequence;
      unconfirmed.put(sequence, pending);
      return new Placement(Place.WRITE, channel, sequence);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The write of {@code pending} as {@code sequence} failed: parks it again when it can go again (its
   * channel or connection closed: it is sent on a fresh channel or after recovery); true when it must
   * fail instead.
   */
  boolean writeFailed(PendingPublish pending, long sequence, boolean again) {
    lock.lock();
    try {
      if (!unconfirmed.remove(sequence, pending)) {
        return false; // the channel's close settled or parked it already
      }
      if (again && !closed) {
        parked.addLast(pending);
        return false;
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The next parked publish to send, when the connection can take it now; else null. */
  PendingPublish nextParked() {
    return locked(() -> writable() ? parked.pollFirst() : null);
  }

  /**
   * True when publishes are parked for want of a channel and nobody is opening one: the caller must
   * now, and report with {@link #reopened}.
   */
  boolean claimReopen() {
    return locked(() -> {
      boolean wanted = !closed && connected && !blocked && !reopening && (channel == null || !channel.isOpen())
          && !parked.isEmpty();
      reopening |= wanted;
      return wanted;
    });
  }

  /**
   * True when the broker has refused every publish on the current channel, open, for a while (since
   * the first refusal after the last ack: {@link #FIRST_REFRESH}, then twice as long after each fresh
   * channel, up to {@link #LONGEST_REFRESH}) and nobody opens a channel: the caller must now open a
   * fresh one, and report with {@link #reopened}. A fresh channel costs little, and it is what gets a
   * sender out of a broker that refuses one channel for good: on RabbitMQ 3.10, a channel whose first
   * publish to a quorum queue found the leader just stopped keeps asking that node, and is refused
   * every publish (a fresh channel reads the queue's new leader). A queue that is really full refuses
   * the fresh channel too, so the waits grow.
   */
  boolean claimRefresh(long nowNanos) {
    return locked(() -> {
      boolean wanted = !closed && connected && !blocked && !reopening && refusingSince != NOT_REFUSING
          && nowNanos - refusingSince >= refreshAfterNanos && channel != null && channel.isOpen();
      if (wanted) {
        reopening = true;
        refusingSince = nowNanos;
        refreshAfterNanos = Math.min(refreshAfterNanos * 2, LONGEST_REFRESH.toNanos());
      }
      return wanted;
    });
  }

  /**
   * The channel to publish on from now on; null when opening one failed. What still waits for a
   * confirm on the old channel, closed, goes to the head of the parked, in send order: the old channel
   * confirms nothing more, and the fresh one numbers its publishes from 1 again. (Its close may not
   * have been reported yet, by {@link #channelLost}, when a publish found it closed and opened this.)
   * Returns the channel published on until now (to close, when it is still open), or null.
   */
  Channel reopened(Channel fresh) {
    return locked(() -> {
      reopening = false;
      Channel previous = channel;
      if (fresh != null && !closed) {
        parkUnconfirmed();
        channel = fresh;
        lastSequence = 0;
      }
      return previous;
    });
  }

  /** The broker confirmed (or, {@code nacked}, refused) {@code sequence}, and with {@code multiple} all before. */
  List<Outcome> confirmed(long sequence, boolean multiple, boolean nacked) {
    return confirmed(sequence, multiple, nacked, System.nanoTime());
  }

  /** As {@link #confirmed(long, boolean, boolean)}, at {@code nowNanos}. */
  List<Outcome> confirmed(long sequence, boolean multiple, boolean nacked, long nowNanos) {
    List<Outcome> outcomes = new ArrayList<>();
    lock.lock();
    try {
      if (!nacked) {
        refusingSince = NOT_REFUSING;
        refreshAfterNanos = FIRST_REFRESH.toNanos();
      } else if (refusingSince == NOT_REFUSING) {
        refusingSince = nowNanos;
      }
      List<PendingPublish> done = new ArrayList<>();
      if (multiple) {
        Map<Long, PendingPublish> head = unconfirmed.headMap(sequence, true);
        done.addAll(head.values());
        head.clear();
      } else {
        PendingPublish pending = unconfirmed.remove(sequence);
        if (pending != null) {
          done.add(pending);
        }
      }
      for (PendingPublish pending : done) {
        if (settle(pending)) {
          outcomes.add(new Outcome(pending, nacked
              ? new QueueFullException("the broker refused " + pending.message.description()
                  + " (nack): a queue it routes to is full, or the broker could not store it")
              : pending.returned));
        }
      }
    } finally {
      lock.unlock();
    }
    return outcomes;
  }

  /** The broker returned publish {@code sequence} as unroutable; false when no mandatory publish waits under it. */
  boolean returned(long sequence) {
    return locked(() -> {
      PendingPublish pending = sequence < 0 ? null : unconfirmed.get(sequence);
      if (pending == null || !pending.message.mandatory()) {
        return false;
      }
      pending.returned = pending.message.ifReturned().get(); // its ack, which follows, fails it
      return true;
    });
  }

  /**
   * What a channel closed by the broker leaves: the publishes that fail (settled), and how many go
   * again on a fresh channel (parked, first).
   */
  record ChannelLoss(List<PendingPublish> refused, int again) {}

  /**
   * The broker closed {@code closedChannel} with a channel-level error. When the error names the
   * exchange it refused ({@code refusedExchange}: deleted, or not writable for this user), the
   * publishes to it fail, outstanding or parked, and the other unconfirmed ones go back to the head of
   * the parked, in send order: those the broker took before the refused one arrive twice (receivers
   * suppress duplicates, SPEC §3.10), those after it, which it dropped, arrive. With no exchange named
   * (null), every unconfirmed publish fails: nothing tells which one the broker refused. Nothing
   * changes when {@code closedChannel} was not the current channel.
   */
  ChannelLoss channelLost(Channel closedChannel, String refusedExchange) {
    List<PendingPublish> refused = new ArrayList<>();
    lock.lock();
    try {
      if (channel != closedChannel) {
        return new ChannelLoss(refused, 0);
      }
      channel = null;
      if (refusedExchange == null) {
        unconfirmed.values().forEach(pending -> {
          if (settle(pending)) {
            refused.add(pending);
          }
        });
        unconfirmed.clear();
        return new ChannelLoss(refused, 0);
      }
      settleTo(unconfirmed.values().iterator(), refusedExchange, refused);
      settleTo(parked.iterator(), refusedExchange, refused);
      int again = unconfirmed.size();
      parkUnconfirmed();
      return new ChannelLoss(refused, again);
    } finally {
      lock.unlock();
    }
  }

  private void settleTo(Iterator<PendingPublish> pendings, String exchange, List<PendingPublish> settled) {
    while (pendings.hasNext()) {
      PendingPublish pending = pendings.next();
      if (pending.message.exchange().equals(exchange)) {
        pendings.remove();
        if (settle(pending)) {
          settled.add(pending);
        }
      }
    }
  }

  /** The connection is up (true) or being recovered (false). */
  void connected(boolean up) {
    locked(() -> {
      connected = up;
      blocked = false;
      return null;
    });
  }

  /** The broker blocks publishing on the connection (a resource alarm), or no longer does. */
  void blocked(boolean isBlocked) {
    locked(() -> blocked = isBlocked);
  }

  /**
   * The connection and its channel are recovered: what waited for a confirm goes to the head of the
   * parked, in send order. Returns how many publishes are parked, or -1 when closed.
   */
  int recovered() {
    lock.lock();
    try {
      if (closed) {
        return -1;
      }
      parkUnconfirmed();
      connected = true;
      blocked = false;
      lastSequence = channel != null ? channel.getNextPublishSeqNo() - 1 : 0;
      return parked.size();
    } finally {
      lock.unlock();
    }
  }

  /** Settles the publishes whose confirm deadline passed: those written, then those never sent. */
  Overdue takeOverdue(long nowNanos) {
    List<PendingPublish> unanswered = new ArrayList<>();
    List<PendingPublish> unsent = new ArrayList<>();
    lock.lock();
    try {
      takeOverdue(unconfirmed.values().iterator(), nowNanos, unanswered);
      takeOverdue(parked.iterator(), nowNanos, unsent);
    } finally {
      lock.unlock();
    }
    return new Overdue(unanswered, unsent);
  }

  private void takeOverdue(Iterator<PendingPublish> pendings, long nowNanos, List<PendingPublish> overdue) {
    while (pendings.hasNext()) {
      PendingPublish pending = pendings.next();
      if (nowNanos - pending.confirmDeadline > 0) {
        pendings.remove();
        if (settle(pending)) {
          overdue.add(pending);
        }
      }
    }
  }

  /**
   * Waits until nothing is outstanding, the deadline passes or {@code connectionOpen} turns false; then
   * closes: settles what is left, and hands it over with the channel to close.
   */
  Closing close(long deadlineNanos, BooleanSupplier connectionOpen) {
    List<PendingPublish> left = new ArrayList<>();
    lock.lock();
    try {
      long wait;
      while (outstanding > 0 && connectionOpen.getAsBoolean() && (wait = deadlineNanos - System.nanoTime()) > 0) {
        try {
          allSettled.awaitNanos(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      closed = true;
      for (PendingPublish pending : unconfirmed.values()) {
        if (settle(pending)) {
          left.add(pending);
        }
      }
      for (PendingPublish pending : parked) {
        if (settle(pending)) {
          left.add(pending);
        }
      }
      unconfirmed.clear();
      parked.clear();
      roomFreed.signalAll();
      Channel last = channel;
      channel = null;
      return new Closing(left, last);
    } finally {
      lock.unlock();
    }
  }

  /** Settles {@code pending} for good; false when it was already. */
  boolean settleNow(PendingPublish pending) {
    return locked(() -> settle(pending));
  }

  /** How many publishes are outstanding: waiting for a confirm, for a connection, or for their turn. */
  int outstanding() {
    return locked(() -> outstanding);
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  // ---- called holding the lock ----

  private boolean writable() {
    return connected && !blocked && channel != null && channel.isOpen();
  }

  private void parkUnconfirmed() {
    List<PendingPublish> old = new ArrayList<>(unconfirmed.values());
    unconfirmed.clear();
    for (int i = old.size() - 1; i >= 0; i--) {
      old.get(i).returned = null;
      parked.addFirst(old.get(i));
    }
  }

  private boolean settle(PendingPublish pending) {
    if (pending.settled) {
      return false;
    }
    pending.settled = true;
    outstanding--;
    roomFreed.signal();
    if (outstanding == 0) {
      allSettled.signalAll();
    }
    return true;
  }
}
