package dev.reef.inmemory;

import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Spore;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's private reply address (AMQP: an exclusive reply queue). Replies are handed to the
 * handler on the broker's executor, one at a time and in arrival order, never on the sender's thread,
 * with the user of the connection that sent them.
 */
final class InMemoryReplyEndpoint implements ReplyEndpoint {
  /** The prefix of every in-memory reply address. */
  static final String ADDRESS_PREFIX = "memory-reply:";

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryReplyEndpoint.class);

  private record Reply(Spore spore, String userId) {}

  private final InMemoryBroker broker;
  private final InMemoryBackend connection;
  private final ReplyHandler handler;
  private final String address = ADDRESS_PREFIX + UUID.randomUUID();
  private final SerialFeed<Reply> inbox;
  private volatile boolean closed;

  InMemoryReplyEndpoint(InMemoryBroker broker, InMemoryBackend connection, ReplyHandler handler) {
    this.broker = broker;
    this.connection = connection;
    this.handler = handler;
    this.inbox = new SerialFeed<>(broker, this::deliver);
  }

  @Override
  public String address() {
    return address;
  }

  /** Takes a reply, sent by a connection of {@code userId} (null for none), for later delivery; false once closed. */
  boolean offer(Spore reply, String userId) {
    return !closed && inbox.offer(new Reply(reply, userId));
  }

  private void deliver(Reply reply) {
    if (closed) {
      LOG.warn("reply endpoint {} closed: reply {} to request {} dropped", address, reply.spore().id(),
          reply.spore().replyTo());
      return;
    }
    handler.onReply(reply.spore(), Optional.ofNullable(reply.userId()));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    broker.forget(this);
    connection.forget(this);
  }

  @Override
  public String toString() {
    return "InMemoryReplyEndpoint[" + address + "]";
  }
}
