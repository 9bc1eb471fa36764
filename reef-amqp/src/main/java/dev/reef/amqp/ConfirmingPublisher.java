package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.QueueFullException;
import dev.reef.ReefException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes with publisher confirms on one channel: a publish's future completes when the broker
 * acks it, and fails when the broker nacks it ({@link QueueFullException}: a queue refused it),
 * returns it as unroutable (the message's own failure), or does not confirm it in time.
 *
 * <p>Unconfirmed messages are kept until confirmed. When the connection is lost they are parked and
 * published again once the client has recovered connection and topology, so the broker has them at
 * least once; receivers suppress the duplicates (SPEC §3.10, §3.11).
 *
 * <p>At most {@code maxOutstanding} publishes wait for a confirm (or for a connection) at once: a
 * further publish waits for room up to the confirm timeout and then fails, so a publisher faster than
 * the broker, or one sending through an outage, is slowed down rather than run out of memory.
 *
 * <p>Broker callbacks (acks, nacks, returns) run on the connection's I/O thread, so futures are
 * completed on {@code completions}: callers' continuations never run on, or block, that thread.
 */
final class ConfirmingPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfirmingPublisher.class);

  private final Connection connection;
  private final Executor completions;
  private final Duration confirmTimeout;
  private final Runnable onChannelError;
  private final int maxOutstanding;
  private final Semaphore room;
  private final Object lock = new Object();
  /** By publish sequence number of the current channel. */
  private final NavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
  private final List<Pending> parked = new ArrayList<>(); // guarded by lock
  private Channel channel; // guarded by lock
  private long lastSequence; // guarded by lock
  private volatile boolean recovering; // written by connection listeners without the lock
  private boolean closed; // guarded by lock

  private static final class Pending {
    final OutgoingMessage message;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final long deadlineNanos;
    final AtomicBoolean holdsRoom = new AtomicBoolean(true);
    volatile RuntimeException returned;

    Pending(OutgoingMessage message, long deadlineNanos) {
      this.message = message;
      this.deadlineNanos = deadlineNanos;
    }
  }

  /**
   * @param onChannelError called when the broker closes the publishing channel with a channel-level
   *     error (e.g. an exchange was deleted under it), so that cached topology is declared again
   */
  ConfirmingPublisher(Connection connection, Executor completions, Duration confirmTimeout, int maxOutstanding,
      Runnable onChannelError) {
    this.connection = connection;
    this.completions = completions;
    this.confirmTimeout = confirmTimeout;
    this.onChannelError = onChannelError;
    this.maxOutstanding = maxOutstanding;
    this.room = new Semaphore(maxOutstanding);
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(new RecoveryListener() {
        @Override
        public void handleRecoveryStarted(Recoverable recovered) {
          recovering = true;
        }

        @Override
        public void handleRecovery(Recoverable recovered) {
          resendAfterRecovery();
        }
      });
    }
    connection.addShutdownListener(cause -> {
      if (!cause.isInitiatedByApplication()) {
        recovering = true; // the client recovers the connection; park what is sent meanwhile
      }
    });
  }

  /**
   * Publishes {@code message}, first waiting (up to the confirm timeout) for room among the
   * outstanding publishes; see the class comment for how the future ends.
   */
  CompletableFuture<Void> publish(OutgoingMessage message) {
    boolean admitted;
    try {
      admitted = room.tryAcquire(confirmTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitted = false;
    }
    return admitted ? admitted(message) : noRoom(message);
  }

  /**
   * Publishes {@code message} only if there is room now, never waiting: for the timer thread's own
   * messages (presence), which must not stall the expiry of overdue publishes that frees room.
   */
  CompletableFuture<Void> publishIfRoom(OutgoingMessage message) {
    return room.tryAcquire() ? admitted(message) : noRoom(message);
  }

  private CompletableFuture<Void> noRoom(OutgoingMessage message) {
    return CompletableFuture.failedFuture(new ReefException("could not send " + message.description() + ": "
        + maxOutstanding + " earlier publishes are still waiting for the broker's confirm (or for a connection)"));
  }

  private CompletableFuture<Void> admitted(OutgoingMessage message) {
    Pending pending = new Pending(message, System.nanoTime() + confirmTimeout.toNanos());
    pending.future.whenComplete((ok, error) -> {
      if (pending.holdsRoom.compareAndSet(true, false)) {
        room.release();
      }
    });
    synchronized (lock) {
      if (closed) {
        pending.future.completeExceptionally(
            new ReefException("the AMQP backend is closed; could not send " + message.description()));
        return pending.future;
      }
      send(pending);
    }
    return pending.future;
  }

  /** How many publishes wait for a confirm (or for a connection to be re-sent on). */
  int outstanding() {
    synchronized (lock) {
      return unconfirmed.size() + parked.size();
    }
  }

  private void send(Pending pending) {
    if (recovering && connection.isOpen() && channel != null && channel.isOpen() && parked.isEmpty()) {
      recovering = false; // recovered, and nothing left to re-send
    }
    if (recovering || !connection.isOpen()) {
      parked.add(pending);
      return;
    }
    Channel open;
    try {
      open = openChannel();
    } catch (IOException | RuntimeException e) {
      fail(pending, new ReefException("could not open a channel to publish " + pending.message.description()
          + ": " + e.getMessage(), e));
      return;
    }
    long sequence = open.getNextPublishSeqNo();
    if (sequence <= lastSequence) {
      // The client recovered the channel (sequence numbers restart): whatever waited for a confirm on
      // the old channel never will get one; send it again first.
      parkUnconfirmed();
      resendParked(open);
      sequence = open.getNextPublishSeqNo();
    }
    lastSequence = sequence;
    unconfirmed.put(sequence, pending);
    OutgoingMessage message = pending.message;
    try {
      open.basicPublish(message.exchange(), message.routingKey(), message.mandatory(), message.properties(),
          message.body());
    } catch (IOException | AlreadyClosedException e) {
      unconfirmed.remove(sequence);
      if (!connection.isOpen()) {
        parked.add(pending); // connection lost: re-sent after recovery
      } else {
        fail(pending, new ReefException("could not publish " + message.description() + ": " + e.getMessage(), e));
      }
    }
  }

  private Channel openChannel() throws IOException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    Channel fresh = connection.createChannel();
    if (fresh == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    fresh.confirmSelect();
    fresh.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long sequence, boolean multiple) {
        confirmed(sequence, multiple, null);
      }

      @Override
      public void handleNack(long sequence, boolean multiple) {
        confirmed(sequence, multiple, Boolean.TRUE);
      }
    });
    fresh.addReturnListener(returnListener());
    fresh.addShutdownListener(cause -> channelClosed(fresh, cause));
    channel = fresh;
    lastSequence = 0;
    return fresh;
  }

  private ReturnListener returnListener() {
    // The broker sends basic.return before the ack of the same publish: mark it, the ack fails it.
    return (replyCode, replyText, exchange, routingKey, properties, body) -> {
      String messageId = properties.getMessageId();
      for (Pending pending : unconfirmed.values()) {
        OutgoingMessage message = pending.message;
        if (pending.returned == null && message.mandatory() && message.exchange().equals(exchange)
            && message.routingKey().equals(routingKey)
            && java.util.Objects.equals(messageId, message.properties().getMessageId())) {
          pending.returned = message.ifReturned().get();
          return;
        }
      }
      LOG.warn("the broker returned a message no publish waits for: {} {} to '{}' with key '{}'", replyCode,
          replyText, exchange, routingKey);
    };
  }

  private void confirmed(long sequence, boolean multiple, Boolean nacked) {
    List<Pending> done = new ArrayList<>();
    if (multiple) {
      Map<Long, Pending> head = unconfirmed.headMap(sequence, true);
      done.addAll(head.values());
      head.clear();
    } else {
      Pending pending = unconfirmed.remove(sequence);
      if (pending != null) {
        done.add(pending);
      }
    }
    if (done.isEmpty()) {
      return;
    }
    // One hand-off per confirm, however many publishes it confirms (the broker acks in batches).
    run(() -> {
      for (Pending pending : done) {
        if (nacked != null) {
          pending.future.completeExceptionally(new QueueFullException("the broker refused "
              + pending.message.description()
              + " (nack): a queue it routes to is full, or the broker could not store it"));
        } else if (pending.returned != null) {
          pending.future.completeExceptionally(pending.returned);
        } else {
          pending.future.complete(null);
        }
      }
    });
  }

  private void channelClosed(Channel closedChannel, ShutdownSignalException cause) {
    if (cause.isHardError() || cause.isInitiatedByApplication()) {
      return; // connection lost (recovery re-sends) or our own close
    }
    // A channel-level error: the broker will never confirm what is outstanding on this channel.
    List<Pending> lost;
    synchronized (lock) {
      if (channel != closedChannel) {
        return;
      }
      channel = null;
      lost = new ArrayList<>(unconfirmed.values());
      unconfirmed.clear();
    }
    String reason = cause.getReason() instanceof AMQP.Channel.Close close ? close.getReplyText() : cause.getMessage();
    LOG.warn("the broker closed the publishing channel ({}); {} unconfirmed publish(es) fail", reason, lost.size());
    for (Pending pending : lost) {
      fail(pending, new ReefException("the broker closed the channel before confirming "
          + pending.message.description() + ": " + reason));
    }
    onChannelError.run();
  }

  private void resendAfterRecovery() {
    synchronized (lock) {
      recovering = false;
      if (closed) {
        return;
      }
      parkUnconfirmed();
      if (parked.isEmpty()) {
        return;
      }
      try {
        resendParked(openChannel());
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not re-send {} unconfirmed publish(es) after recovery: {}", parked.size(), e.toString());
      }
    }
  }

  private void parkUnconfirmed() {
    List<Pending> old = new ArrayList<>(unconfirmed.values());
    unconfirmed.clear();
    parked.addAll(0, old);
  }

  private void resendParked(Channel open) {
    List<Pending> again = new ArrayList<>(parked);
    parked.clear();
    if (!again.isEmpty()) {
      LOG.info("re-sending {} publish(es) the broker had not confirmed before the connection was recovered",
          again.size());
    }
    lastSequence = open.getNextPublishSeqNo() - 1;
    for (Pending pending : again) {
      pending.returned = null;
      send(pending);
    }
  }

  /** Fails the publishes whose confirm is overdue. Called periodically. */
  void expireOverdue() {
    long now = System.nanoTime();
    List<Pending> overdue = new ArrayList<>();
    synchronized (lock) {
      unconfirmed.values().removeIf(pending -> overdue(pending, now, overdue));
      parked.removeIf(pending -> overdue(pending, now, overdue));
    }
    for (Pending pending : overdue) {
      fail(pending, new ReefException("the broker did not confirm " + pending.message.description() + " within "
          + confirmTimeout.toMillis() + " ms; it may or may not have been delivered"));
    }
  }

  private static boolean overdue(Pending pending, long now, List<Pending> overdue) {
    if (now - pending.deadlineNanos > 0) {
      overdue.add(pending);
      return true;
    }
    return false;
  }

  /** Waits up to {@code timeout} for outstanding confirms, then fails what is left. Idempotent. */
  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }

  void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outstanding() > 0 && System.nanoTime() < deadline && connection.isOpen()) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Pending> left;
    synchronized (lock) {
      closed = true;
      left = new ArrayList<>(unconfirmed.values());
      left.addAll(parked);
      unconfirmed.clear();
      parked.clear();
      if (channel != null && channel.isOpen()) {
        try {
          channel.close();
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
          LOG.debug("closing the publishing channel: {}", e.toString());
        }
      }
    }
    for (Pending pending : left) {
      fail(pending, new ReefException("the AMQP backend closed before the broker confirmed "
          + pending.message.description()));
    }
  }

  private void fail(Pending pending, RuntimeException error) {
    run(() -> pending.future.completeExceptionally(error));
  }

  private void run(Runnable completion) {
    try {
      completions.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run(); // shutting down: complete here rather than never
    }
  }
}
