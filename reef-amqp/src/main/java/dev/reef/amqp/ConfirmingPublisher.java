package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.QueueFullException;
import dev.reef.ReefException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes with publisher confirms on one channel: a publish's future completes when the broker
 * acks it, and fails when the broker nacks it ({@link QueueFullException}: a queue refused it),
 * returns it as unroutable (the message's own failure), or does not confirm it within the confirm
 * timeout.
 *
 * <p><b>Bounds.</b> At most {@code maxUnconfirmed} publishes are outstanding (waiting for a confirm,
 * or for a connection) at once. A publish waits for room, and for its turn on the channel, only until
 * its deadline (the backend's {@code send_wait_ms}), then its future fails: the caller is never held
 * longer. It makes no request to the broker: a channel that must be opened again is opened in the
 * background. While the broker blocks this connection (a resource alarm), and while the connection
 * recovers, publishes are parked rather than written; they go out once it is back, or fail at their
 * confirm timeout. (A write already under way when the broker stops reading waits for TCP buffers.)
 *
 * <p><b>Recovery.</b> When the connection is lost, unconfirmed publishes are parked and published
 * again, first and in order, once the client has recovered connection and topology; receivers
 * suppress the duplicates (SPEC §3.10, §3.11). When the broker closes the channel for a publish to an
 * exchange that is gone or not writable, the publishes to that exchange fail and the other unconfirmed
 * ones go again, first, on a fresh channel: one send to a deleted channel does not fail its
 * neighbours.
 *
 * <p><b>Threads.</b> All state is the {@link PublishLedger}'s, under its one lock; broker callbacks
 * (acks, nacks, returns, blocked) take it briefly on the connection's I/O thread, and nothing holds it
 * across a write. {@code wire} only keeps each pair (publish sequence number, {@code basicPublish})
 * together and guards no state. Futures complete on {@code completions}, so callers' continuations
 * never run on, or block, the I/O thread.
 */
final class ConfirmingPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfirmingPublisher.class);
  /**
   * How RabbitMQ names the exchange it refused: "NOT_FOUND - no exchange 'X' in vhost ...",
   * "ACCESS_REFUSED - access to exchange 'X' in vhost ... refused for user ...".
   */
  private static final Pattern NAMED_EXCHANGE = Pattern.compile("\\bexchange '([^']*)'");

  /**
   * @param confirmTimeout how long a publish waits for its confirm
   * @param maxUnconfirmed the most outstanding publishes
   */
  record Limits(Duration confirmTimeout, int maxUnconfirmed) {}

  private final String channelName;
  private final Connection connection;
  private final Executor completions;
  private final Duration confirmTimeout;
  private final Runnable onChannelError;
  private final PublishLedger ledger;
  private final ReentrantLock wire = new ReentrantLock();
  private final RateLimitedLog strayReturns = new RateLimitedLog(LOG, 10);

  /**
   * Opens its channel on {@code connection}.
   *
   * @param channelName names the channel in logs and errors, e.g. "publishing channel"
   * @param onChannelError called when the broker closes the channel with a channel-level error (e.g.
   *     an exchange was deleted under it), so that cached topology is declared again
   * @throws IOException when the channel cannot be opened
   */
  ConfirmingPublisher(String channelName, Connection connection, Executor completions, Limits limits,
      Runnable onChannelError) throws IOException {
    this.channelName = channelName;
    this.connection = connection;
    this.completions = completions;
    this.confirmTimeout = limits.confirmTimeout();
    this.onChannelError = onChannelError;
    this.ledger = new PublishLedger(limits.maxUnconfirmed());
    ledger.reopened(openChannel());
    listen();
  }

  /**
   * Publishes {@code message}, waiting for room and for the channel until {@code deadlineNanos}
   * ({@link System#nanoTime()}) at the latest; see the class comment for how the future ends.
   */
  CompletableFuture<Void> publish(OutgoingMessage message, long deadlineNanos) {
    PendingPublish pending = new PendingPublish(message,
        System.nanoTime() + confirmTimeout.toNanos());
    RuntimeException refused = ledger.admit(pending, deadlineNanos);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    boolean turn;
    try {
      turn = wire.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      turn = false;
    }
    if (!turn) {
      fail(pending, new ReefException("could not send " + message.description() + ": the " + channelName + " was"
          + " busy past the send's deadline"));
      return pending.future;
    }
    try {
      send(pending);
    } finally {
      wire.unlock();
    }
    return pending.future;
  }

  /** How many publishes are outstanding: waiting for a confirm, for a connection, or for their turn. */
  int outstanding() {
    return ledger.outstanding();
  }

  /** Writes {@code pending}, or leaves it parked. The caller holds {@code wire}. */
  private void send(PendingPublish pending) {
    PublishLedger.Placement placement = ledger.place(pending);
    switch (placement.place()) {
      case WRITE -> write(placement.channel(), placement.sequence(), pending);
      case PARKED -> reopenIfWanted();
      case PARKED_BEHIND_RESENDS -> drainParked();
      case NONE -> fail(pending, new ReefException("the AMQP backend closed before it could send "
          + pending.message.description()));
      default -> throw new IllegalStateException("unknown placement " + placement.place());
    }
  }

  private void write(Channel channel, long sequence, PendingPublish pending) {
    OutgoingMessage message = pending.message;
    try {
      channel.basicPublish(message.exchange(), message.routingKey(), message.mandatory(),
          message.propertiesFor(sequence), message.body());
    } catch (IOException | AlreadyClosedException e) {
      // On a closed channel or connection it goes again, on a fresh channel or after recovery.
      boolean again = !connection.isOpen() || !channel.isOpen();
      if (ledger.writeFailed(pending, sequence, again)) {
        fail(pending, new ReefException("could not publish " + message.description() + ": " + e.getMessage(), e));
      } else if (again) {
        reopenIfWanted();
      }
    }
  }

  /** Sends what is parked, in order, while the connection can take it. The caller holds {@code wire}. */
  private void drainParked() {
    PendingPublish next;
    while ((next = ledger.nextParked()) != null) {
      send(next);
    }
    reopenIfWanted();
  }

  /** Opens a channel in the background when publishes are parked for want of one. */
  private void reopenIfWanted() {
    if (ledger.claimReopen()) {
      run(this::replaceChannel);
    }
  }

  /**
   * Publishes on a fresh channel from now on, for a claim the ledger granted ({@code claimReopen},
   * {@code claimRefresh}): what waited on the old channel goes first, and the old one is closed when it
   * is still open (the broker refused it). A claim whose turn did not come, or whose channel could not
   * be opened, is given back.
   */
  private void replaceChannel() {
    boolean ran = withTurn("open a fresh " + channelName, () -> {
      Channel fresh = null;
      try {
        fresh = openChannel();
      } catch (IOException | RuntimeException e) {
        if (connection.isOpen()) {
          LOG.warn("could not open a {}: {}; parked publishes wait for the next try or their confirm timeout",
              channelName, BrokerReason.of(e));
        } else {
          // The channel closed a moment before its connection did: recovery sends what is parked.
          LOG.debug("no {} while the connection is down: {}", channelName, BrokerReason.of(e));
        }
      }
      Channel previous = ledger.reopened(fresh);
      if (fresh != null) {
        if (previous != null && previous.isOpen()) {
          Quietly.close(previous, "the refusing " + channelName);
        }
        drainParked();
      }
    });
    if (!ran) {
      ledger.reopened(null); // so that the next publish, or recovery, may claim again
    }
  }

  /**
   * Runs {@code work} holding {@code wire}, waiting for it at most the confirm timeout; false when the
   * turn did not come (then {@code work} did not run).
   */
  private boolean withTurn(String what, Runnable work) {
    try {
      if (!wire.tryLock(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("could not {}: the {} stayed busy; parked publishes fail at their confirm timeout",
            what, channelName);
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      work.run();
      return true;
    } finally {
      wire.unlock();
    }
  }

  private Channel openChannel() throws IOException {
    Channel fresh = connection.createChannel();
    if (fresh == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    fresh.confirmSelect();
    fresh.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long sequence, boolean multiple) {
        confirmed(sequence, multiple, false);
      }

      @Override
      public void handleNack(long sequence, boolean multiple) {
        confirmed(sequence, multiple, true);
      }
    });
    // The broker sends basic.return before the ack of the same publish: the ledger marks it, the ack fails it.
    fresh.addReturnListener((replyCode, replyText, exchange, routingKey, properties, body) -> {
      if (!ledger.returned(OutgoingMessage.sequenceOf(properties))) {
        strayReturns.warn("the broker returned a message no publish waits for: {} {} to '{}' with key '{}'",
            replyCode, replyText, exchange, routingKey);
      }
    });
    fresh.addShutdownListener(cause -> channelClosed(fresh, cause));
    return fresh;
  }

  private void confirmed(long sequence, boolean multiple, boolean nacked) {
    long now = System.nanoTime();
    List<PublishLedger.Outcome> outcomes = ledger.confirmed(sequence, multiple, nacked, now);
    if (!outcomes.isEmpty()) {
      // One hand-off per confirm, however many publishes it confirms (the broker acks in batches).
      run(() -> outcomes.forEach(outcome -> complete(outcome.pending(), outcome.error())));
    }
    if (nacked && ledger.claimRefresh(now)) {
      LOG.warn("the broker has refused every publish on the {} for a while (nacks); opening a fresh one, in case"
          + " it refuses that channel rather than the queue", channelName);
      run(this::replaceChannel);
    }
  }

  private void channelClosed(Channel closed, ShutdownSignalException cause) {
    if (cause.isHardError() || cause.isInitiatedByApplication()) {
      return; // connection lost (recovery re-sends) or our own close
    }
    // A channel-level error: the broker confirms nothing more on this channel.
    String reason = cause.getReason() instanceof AMQP.Channel.Close close ? close.getReplyText() : cause.getMessage();
    PublishLedger.ChannelLoss loss = ledger.channelLost(closed, refusedExchange(reason));
    LOG.warn("the broker closed the {} ({}); {} publish(es) fail, {} other unconfirmed go again on a fresh channel",
        channelName, reason, loss.refused().size(), loss.again());
    run(() -> loss.refused().forEach(pending -> complete(pending, new ReefException("the broker closed the channel"
        + " before confirming " + pending.message.description() + ": " + reason))));
    onChannelError.run();
    reopenIfWanted();
  }

  /** The exchange a channel error's reply text names ("... exchange 'NAME' ..."), or null. */
  static String refusedExchange(String replyText) {
    Matcher named = NAMED_EXCHANGE.matcher(replyText == null ? "" : replyText);
    return named.find() ? named.group(1) : null;
  }

  private void listen() {
    connection.addShutdownListener(cause -> {
      if (!cause.isInitiatedByApplication()) {
        ledger.connected(false); // the client recovers the connection; park what is sent meanwhile
      }
    });
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(new RecoveryListener() {
        @Override
        public void handleRecoveryStarted(Recoverable recovering) {
          ledger.connected(false);
        }

        @Override
        public void handleRecovery(Recoverable recovered) {
          withTurn("re-send publishes after recovery", () -> {
            int again = ledger.recovered();
            if (again > 0) {
              LOG.info("re-sending {} publish(es) the broker had not confirmed before the connection was recovered",
                  again);
            }
            drainParked();
          });
        }
      });
    }
    connection.addBlockedListener(new BlockedListener() {
      @Override
      public void handleBlocked(String reason) {
        ledger.blocked(true);
      }

      @Override
      public void handleUnblocked() {
        ledger.blocked(false);
        run(() -> withTurn("send publishes held while the broker blocked", ConfirmingPublisher.this::drainParked));
      }
    });
  }

  /** Fails the publishes whose confirm is overdue. Called periodically. */
  void expireOverdue() {
    PublishLedger.Overdue overdue = ledger.takeOverdue(System.nanoTime());
    if (overdue.unanswered().isEmpty() && overdue.unsent().isEmpty()) {
      return;
    }
    long millis = confirmTimeout.toMillis();
    run(() -> {
      overdue.unanswered().forEach(pending -> complete(pending, new ReefException("the broker did not confirm "
          + pending.message.description() + " within " + millis + " ms; it may or may not have been delivered")));
      overdue.unsent().forEach(pending -> complete(pending, new ReefException("could not send "
          + pending.message.description() + " within " + millis + " ms: the connection to the broker was lost, or"
          + " the broker blocks publishing (a resource alarm)")));
    });
  }

  /** Waits up to two seconds for outstanding confirms, then fails what is left. Idempotent. */
  @Override
  public void close() {
    close(Duration.ofSeconds(2));
  }

  /** Waits up to {@code timeout} for outstanding confirms (without polling), then fails what is left. Idempotent. */
  void close(Duration timeout) {
    PublishLedger.Closing closing = ledger.close(System.nanoTime() + timeout.toNanos(), connection::isOpen);
    Quietly.close(closing.channel(), "the " + channelName);
    closing.left().forEach(pending -> complete(pending, new ReefException("the AMQP backend closed before the broker"
        + " confirmed " + pending.message.description())));
  }

  private void fail(PendingPublish pending, RuntimeException error) {
    if (ledger.settleNow(pending)) {
      run(() -> complete(pending, error));
    }
  }

  private static void complete(PendingPublish pending, RuntimeException error) {
    if (error == null) {
      pending.future.complete(null);
    } else {
      pending.future.completeExceptionally(error);
    }
  }

  private void run(Runnable task) {
    try {
      completions.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // shutting down: do it here rather than never
    }
  }
}
