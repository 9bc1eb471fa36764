package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's private reply queue {@code ns.reply.ID} (SPEC §3.3, §5): exclusive to the
 * connection and deleted with it. Its name is chosen here, not by the server, so that the client
 * declares it again under the same name after a connection recovery and requests already sent
 * still get their replies.
 */
final class ReplyQueue implements ReplyEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyQueue.class);

  private final String name;
  private final Channel channel;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ReplyQueue(String name, Channel channel) {
    this.name = name;
    this.channel = channel;
  }

  static ReplyQueue open(Connection connection, BrokerNames names, AmqpBackend backend, ReplyHandler handler)
      throws IOException {
    String name = names.replyQueue(UUID.randomUUID().toString());
    Channel channel = connection.createChannel();
    if (channel == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    ReplyQueue queue = new ReplyQueue(name, channel);
    try {
      channel.queueDeclare(name, false, true, true, null);
      // Auto-ack: a reply lost with the connection is a request that times out, which the caller sees.
      channel.basicConsume(name, true, "reef-replies", new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          queue.deliver(backend, handler, properties, body);
        }
      });
    } catch (IOException | RuntimeException e) {
      queue.close();
      throw e;
    }
    return queue;
  }

  private void deliver(AmqpBackend backend, ReplyHandler handler, AMQP.BasicProperties properties, byte[] body) {
    try {
      SporeCodec.Decoded decoded = backend.codec().decode(properties, body);
      if (decoded instanceof SporeCodec.Decoded.Valid valid) {
        handler.onReply(valid.spore());
        return;
      }
      String reason = ((SporeCodec.Decoded.Malformed) decoded).reason();
      LOG.warn("reply queue {} received a message that is not a spore; dead-lettered: {}", name, reason);
      backend.deadLetterStore().writeUndecodable("-", name, properties, body, reason).whenComplete((ok, error) -> {
        if (error != null) {
          LOG.error("could not dead-letter a message that is not a spore from reply queue {}; dropped: {}", name,
              error.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.error("reply queue {}: a reply failed before reaching its caller; dropped", name, e);
    }
  }

  @Override
  public String address() {
    return name;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        if (channel.isOpen()) {
          channel.queueDelete(name);
          channel.close();
        }
      } catch (IOException | TimeoutException | RuntimeException e) {
        LOG.debug("closing reply queue {}: {}", name, e.toString());
      }
    }
  }
}
