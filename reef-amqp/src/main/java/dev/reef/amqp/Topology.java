package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.ReefException;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the durable topology of SPEC §5 on one long-lived channel, once per object per connection
 * (declarations are idempotent on the broker, but each is a round trip). The client records what is
 * declared here and declares it again after a connection recovery.
 *
 * <p>A declaration the broker refuses (an existing queue with other arguments) closes the channel; it
 * is reopened for the next declaration, and the error names the object and the cause.
 */
final class Topology {
  private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
  /** The header that sorts a retry into the queue of its delay. */
  static final String RETRY_DELAY_HEADER = "reef-retry-delay-ms"; // headers exchanges ignore "x-" headers

  private final Connection connection;
  private final BrokerNames names;
  private final QueueType queueType;
  private final int maxQueueLength;
  private final Object lock = new Object();
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final Set<String> exchangesUsed = ConcurrentHashMap.newKeySet();
  private final Set<String> queuesUsed = ConcurrentHashMap.newKeySet();
  private Channel channel; // guarded by lock

  Topology(Connection connection, BrokerNames names, QueueType queueType, int maxQueueLength) {
    this.connection = connection;
    this.names = names;
    this.queueType = queueType;
    this.maxQueueLength = maxQueueLength;
  }

  BrokerNames names() {
    return names;
  }

  /** Declares the channel's topic exchange; returns its name. */
  String channelExchange(String channelName) {
    String exchange = names.channelExchange(channelName);
    once("exchange " + exchange, ch -> ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null));
    exchangesUsed.add(exchange);
    return exchange;
  }

  /**
   * Declares an agent's queue on a channel, bound for its directed spores and all broadcasts, and the
   * queue its expired spores move to.
   */
  String agentQueue(String channelName, String agent) {
    String exchange = channelExchange(channelName);
    String queue = names.agentQueue(channelName, agent);
    String expired = names.expiredQueue(channelName, agent);
    once("queue " + queue, ch -> {
      ch.queueDeclare(expired, true, false, false, queueArguments(false));
      Map<String, Object> arguments = queueArguments(queueType == QueueType.CLASSIC);
      // Expired spores are dead-lettered (without their expiration) to the expired queue.
      arguments.put("x-dead-letter-exchange", "");
      arguments.put("x-dead-letter-routing-key", expired);
      ch.queueDeclare(queue, true, false, false, arguments);
      ch.queueBind(queue, exchange, BrokerNames.agentBinding(agent));
      ch.queueBind(queue, exchange, BrokerNames.BROADCAST_BINDING);
    });
    queuesUsed.add(expired);
    queuesUsed.add(queue);
    return queue;
  }

  private Map<String, Object> queueArguments(boolean priorities) {
    Map<String, Object> arguments = new HashMap<>();
    if (queueType == QueueType.QUORUM) {
      arguments.put("x-queue-type", "quorum");
    } else if (priorities) {
      arguments.put("x-max-priority", 10);
    }
    if (maxQueueLength > 0) {
      // A full queue refuses new spores (the publisher gets a nack) instead of dropping old ones.
      arguments.put("x-max-length", maxQueueLength);
      arguments.put("x-overflow", "reject-publish");
    }
    return arguments;
  }

  /** Declares the dead-letter exchange and queue; returns their name. */
  String deadLetters() {
    String dead = names.dead();
    once("dead letters " + dead, ch -> {
      ch.exchangeDeclare(dead, BuiltinExchangeType.FANOUT, true, false, null);
      ch.queueDeclare(dead, true, false, false, null);
      ch.queueBind(dead, dead, "");
    });
    exchangesUsed.add(dead);
    queuesUsed.add(dead);
    return dead;
  }

  /**
   * Declares the queue where retries wait {@code delayMillis}: every message in it has the same time
   * to live (so none waits behind a longer one), then is dead-lettered through the default exchange
   * with its routing key, which is the agent queue's name. Returns the retry exchange's name.
   */
  String retryQueue(long delayMillis) {
    String exchange = names.retryExchange();
    String queue = names.retryQueue(delayMillis);
    once("retry queue " + queue, ch -> {
      ch.exchangeDeclare(exchange, BuiltinExchangeType.HEADERS, true, false, null);
      ch.queueDeclare(queue, true, false, false, Map.of(
          "x-message-ttl", delayMillis,
          "x-dead-letter-exchange", ""));
      ch.queueBind(queue, exchange, "", Map.of("x-match", "all", RETRY_DELAY_HEADER, Long.toString(delayMillis)));
    });
    exchangesUsed.add(exchange);
    queuesUsed.add(queue);
    return exchange;
  }

  /** Declares the presence exchange; returns its name. */
  String presenceExchange() {
    String exchange = names.presenceExchange();
    once("exchange " + exchange, ch -> ch.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false, null));
    exchangesUsed.add(exchange);
    return exchange;
  }

  /** The number of ready messages in {@code queue}, or 0 when it does not exist. */
  long messageCount(String queue) {
    synchronized (lock) {
      try {
        AMQP.Queue.DeclareOk ok = channel().queueDeclarePassive(queue);
        return ok.getMessageCount();
      } catch (IOException | ShutdownSignalException e) {
        LOG.debug("queue {} is gone: {}", queue, e.toString());
        return 0;
      }
    }
  }

  /** Empties {@code queue}; returns how many messages it held. */
  int purge(String queue) {
    synchronized (lock) {
      try {
        return channel().queuePurge(queue).getMessageCount();
      } catch (IOException | ShutdownSignalException e) {
        throw new ReefException("could not purge queue " + queue + ": " + brokerReason(e), e);
      }
    }
  }

  /** Forgets what was declared, so that the next use declares it again (after a channel error). */
  void forget() {
    declared.clear();
  }

  /** The exchanges this connection declared or used, for tests and tools that clean up. */
  Set<String> exchangesUsed() {
    return Set.copyOf(exchangesUsed);
  }

  /** The durable queues this connection declared, for tests and tools that clean up. */
  Set<String> queuesUsed() {
    return Set.copyOf(queuesUsed);
  }

  /** Deletes every queue and exchange this connection declared (tests and tools). */
  void deleteAll() {
    Set<String> queues = new LinkedHashSet<>(queuesUsed);
    Set<String> exchanges = new LinkedHashSet<>(exchangesUsed);
    synchronized (lock) {
      for (String queue : queues) {
        deleteQuietly("queue " + queue, ch -> ch.queueDelete(queue));
      }
      for (String exchange : exchanges) {
        deleteQuietly("exchange " + exchange, ch -> ch.exchangeDelete(exchange));
      }
    }
    declared.clear();
  }

  void close() {
    synchronized (lock) {
      if (channel != null && channel.isOpen()) {
        try {
          channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
          LOG.debug("closing the topology channel: {}", e.toString());
        }
      }
    }
  }

  private interface Declaration {
    void run(Channel channel) throws IOException;
  }

  private void once(String what, Declaration declaration) {
    if (declared.contains(what)) {
      return;
    }
    synchronized (lock) {
      if (declared.contains(what)) {
        return;
      }
      try {
        declaration.run(channel());
      } catch (IOException | ShutdownSignalException e) {
        throw new ReefException("the broker refused to declare " + what + ": " + brokerReason(e)
            + (brokerReason(e).contains("PRECONDITION_FAILED")
                ? " (it exists with other settings: delete it, or use the settings it was made with)" : ""), e);
      }
      declared.add(what);
    }
  }

  private void deleteQuietly(String what, Declaration deletion) {
    try {
      deletion.run(channel());
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not delete {}: {}", what, e.toString());
    }
  }

  private Channel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      channel = connection.createChannel();
      if (channel == null) {
        throw new IOException("the broker has no channel left for this connection");
      }
    }
    return channel;
  }

  /** The broker's own words for why an operation failed. */
  static String brokerReason(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ShutdownSignalException signal) {
        Object reason = signal.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
          return close.getReplyCode() + " " + close.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close close) {
          return close.getReplyCode() + " " + close.getReplyText();
        }
        return signal.getMessage();
      }
    }
    return String.valueOf(error.getMessage());
  }
}
