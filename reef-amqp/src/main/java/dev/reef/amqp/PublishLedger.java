package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import dev.reef.QueueFullException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The state of a {@link ConfirmingPublisher}, owned by one lock that every method takes (briefly: none
 * makes a broker call while holding it): the publishes waiting for a confirm by sequence number, those
 * parked until the connection can take them, the room left among them ({@link PublishRoom}), the
 * channel, whether the connection is up, blocked or closed, and how long the broker has refused every
 * publish ({@link RefusalRun}). It decides; the publisher writes and completes the futures, outside
 * the lock.
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

  private final ReentrantLock lock = new ReentrantLock();
  private final PublishRoom room;
  private final RefusalRun refusals = new RefusalRun();
  private final TreeMap<Long, PendingPublish> unconfirmed = new TreeMap<>();
  private final ArrayDeque<PendingPublish> parked = new ArrayDeque<>();
  private Channel channel;
  private long lastSequence;
  private boolean connected = true;
  private boolean blocked;
  private boolean reopening;
  private boolean closed;

  PublishLedger(int maxOutstanding) {
    this.room = new PublishRoom(lock, maxOutstanding);
  }

  /**
   * Takes {@code pending} among the outstanding, waiting for room until {@code deadlineNanos}; returns
   * null when taken, else why not.
   */
  RuntimeException admit(PendingPublish pending, long deadlineNanos) {
    return locked(() -> room.take(pending, deadlineNanos, () -> closed));
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
   * True when the broker has refused every publish on the current channel, open, long enough for a
   * fresh one ({@link RefusalRun}) and nobody opens a channel: the caller must now open a fresh one,
   * and report with {@link #reopened}.
   */
  boolean claimRefresh(long nowNanos) {
    return locked(() -> {
      boolean wanted = !closed && connected && !blocked && !reopening && channel != null && channel.isOpen()
          && refusals.due(nowNanos);
      if (wanted) {
        reopening = true;
        refusals.freshChannelTried(nowNanos);
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
      refusals.confirmed(nacked, nowNanos);
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
        if (room.settle(pending)) {
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
        settleWhere(unconfirmed.values().iterator(), pending -> true, refused);
        return new ChannelLoss(refused, 0);
      }
      Predicate<PendingPublish> toRefused = pending -> pending.message.exchange().equals(refusedExchange);
      settleWhere(unconfirmed.values().iterator(), toRefused, refused);
      settleWhere(parked.iterator(), toRefused, refused);
      int again = unconfirmed.size();
      parkUnconfirmed();
      return new ChannelLoss(refused, again);
    } finally {
      lock.unlock();
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
      Predicate<PendingPublish> overdue = pending -> nowNanos - pending.confirmDeadline > 0;
      settleWhere(unconfirmed.values().iterator(), overdue, unanswered);
      settleWhere(parked.iterator(), overdue, unsent);
    } finally {
      lock.unlock();
    }
    return new Overdue(unanswered, unsent);
  }

  /** Removes the publishes that match, and settles them into {@code settled} (those not settled already). */
  private void settleWhere(Iterator<PendingPublish> pendings, Predicate<PendingPublish> matching,
      List<PendingPublish> settled) {
    while (pendings.hasNext()) {
      PendingPublish pending = pendings.next();
      if (matching.test(pending)) {
        pendings.remove();
        if (room.settle(pending)) {
          settled.add(pending);
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
      room.awaitEmpty(deadlineNanos, connectionOpen);
      closed = true;
      settleWhere(unconfirmed.values().iterator(), pending -> true, left);
      settleWhere(parked.iterator(), pending -> true, left);
      room.wakeAll();
      Channel last = channel;
      channel = null;
      return new Closing(left, last);
    } finally {
      lock.unlock();
    }
  }

  /** Settles {@code pending} for good; false when it was already. */
  boolean settleNow(PendingPublish pending) {
    return locked(() -> room.settle(pending));
  }

  /** How many publishes are outstanding: waiting for a confirm, for a connection, or for their turn. */
  int outstanding() {
    return locked(room::taken);
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
}
