package dev.reef.inmemory;

import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Spore;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's private reply address (AMQP: an exclusive reply queue). Replies are handed to the
 * handler on the broker's executor, one at a time and in arrival order, never on the sender's thread.
 */
final class InMemoryReplyEndpoint implements ReplyEndpoint {
  /** The prefix of every in-memory reply address. */
  static final String ADDRESS_PREFIX = "memory-reply:";

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryReplyEndpoint.class);
  private static final int BUDGET = 1024;

  private final InMemoryBroker broker;
  private final InMemoryBackend connection;
  private final ReplyHandler handler;
  private final String address = ADDRESS_PREFIX + UUID.randomUUID();
  private final Queue<Spore> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile boolean closed;

  InMemoryReplyEndpoint(InMemoryBroker broker, InMemoryBackend connection, ReplyHandler handler) {
    this.broker = broker;
    this.connection = connection;
    this.handler = handler;
  }

  @Override
  public String address() {
    return address;
  }

  /** Takes a reply for later delivery; false when the endpoint is closed. */
  boolean offer(Spore reply) {
    if (closed) {
      return false;
    }
    inbox.add(reply);
    if (pending.getAndIncrement() == 0) {
      schedule();
    }
    return true;
  }

  private void schedule() {
    try {
      broker.execute(this::deliver);
    } catch (RejectedExecutionException e) {
      LOG.warn("reply endpoint {}: {} reply(ies) dropped, the in-memory broker is closed", address, inbox.size());
    }
  }

  private void deliver() {
    int handed = 0;
    do {
      Spore reply = inbox.poll();
      if (closed) {
        LOG.warn("reply endpoint {} closed: reply {} to request {} dropped", address, reply.id(), reply.replyTo());
      } else {
        try {
          handler.onReply(reply);
        } catch (RuntimeException e) {
          LOG.error("reply endpoint {}: the reply handler threw on reply {}", address, reply.id(), e);
        }
      }
      if (++handed == BUDGET && pending.get() > 1) {
        pending.decrementAndGet();
        schedule(); // let other work run on the executor before the rest
        return;
      }
    } while (pending.decrementAndGet() > 0);
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
