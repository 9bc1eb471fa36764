package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's private reply queue {@code ns.reply.ID} (SPEC §3.3, §5): exclusive to the
 * connection and deleted with it. Its name is chosen here, not by the server, so that the client
 * declares it again under the same name after a connection recovery and requests already sent
 * still get their replies.
 *
 * <p>Replies are auto-acked. A reply lost with the connection (on its way, or in the queue when the
 * connection or its node went) is asked for again: once the connection has recovered, with the queue
 * and its consumer, the handler hears of it ({@link ReplyHandler#onReopened()}) and sends the
 * requests still waiting again, which their responders answer again. A message that is not a spore goes to the dead letters; one that fails for another
 * reason (a bug in Reef) is dropped, counted and logged as an error, and its request times out.
 */
final class ReplyQueue implements ReplyEndpoint, Endpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyQueue.class);
  private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, 10);

  private final String name;
  private final String address; // the name, with @SITE when sites are on
  private final Channel channel;
  private final SporeCodec codec;
  private final DeadLetterWriter deadLetters;
  private final ReplyHandler handler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final Connection connection;
  private final RecoveryListener reopened = new RecoveryListener() {
    @Override
    public void handleRecovery(Recoverable recovered) { // after the topology: the queue and its consumer are back
      if (!closed.get()) {
        handler.onReopened();
      }
    }

    @Override
    public void handleRecoveryStarted(Recoverable recovering) {}
  };

  private ReplyQueue(Connection connection, String name, String address, Channel channel, SporeCodec codec,
      DeadLetterWriter deadLetters, ReplyHandler handler) {
    this.connection = connection;
    this.name = name;
    this.address = address;
    this.channel = channel;
    this.codec = codec;
    this.deadLetters = deadLetters;
    this.handler = handler;
  }

  static ReplyQueue open(Connection connection, BrokerNames names, SporeCodec codec, DeadLetterWriter deadLetters,
      ReplyHandler handler) throws IOException {
    String name = names.replyQueue(UUID.randomUUID());
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    ReplyQueue queue = new ReplyQueue(connection, name, names.replyAddress(name), channel, codec, deadLetters,
        handler);
    try {
      channel.queueDeclare(name, false, true, true, null);
      if (names.sitesOn()) {
        // Replies from other sites come on the federated sites exchange with this key (docs/sites.md).
        channel.queueBind(name, names.sitesExchange(), names.replyKey(names.site(), name));
      }
      channel.basicConsume(name, true, "reef-replies", new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          queue.deliver(properties, body);
        }
      });
    } catch (IOException | RuntimeException e) {
      queue.close();
      throw e;
    }
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(queue.reopened);
    }
    return queue;
  }

  private void deliver(AMQP.BasicProperties properties, byte[] body) {
    try {
      SporeCodec.Decoded decoded = codec.decode(properties, body);
      if (decoded instanceof SporeCodec.Decoded.Valid valid) {
        handler.onReply(valid.spore(), Optional.ofNullable(valid.userId()));
        return;
      }
      String reason = ((SporeCodec.Decoded.Malformed) decoded).reason();
      LOG.warn("reply queue {} received a message that is not a spore; dead-lettered: {}", name, reason);
      deadLetters.writeUndecodable("-", name, properties, body, reason).whenComplete((ok, error) -> {
        if (error != null) {
          dropped.incrementAndGet();
          FAILURES.error("could not dead-letter a message that is not a spore from reply queue {}; dropped ({} so far):"
              + " {}", name, dropped.get(), error.toString());
        }
      });
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      FAILURES.error("reply queue {}: a reply failed before reaching its caller (a bug in Reef); dropped ({} so far),"
          + " its request times out", name, dropped.get(), e);
    }
  }

  @Override
  public String address() {
    return address;
  }

  /** Replies dropped because they could not be handed on (for tests). */
  long dropped() {
    return dropped.get();
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (connection instanceof Recoverable recoverable) {
        recoverable.removeRecoveryListener(reopened);
      }
      try {
        if (channel.isOpen()) {
          channel.queueDelete(name);
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("deleting reply queue {}: {}", name, e.toString());
      }
      Quietly.close(channel, "reply queue " + name);
    }
  }
}
