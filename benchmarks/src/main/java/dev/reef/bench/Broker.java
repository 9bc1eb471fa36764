package dev.reef.bench;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The broker a run uses, through the plain RabbitMQ client: every run works in a namespace of its
 * own and deletes, when it ends, every queue and exchange it or Reef declared there.
 *
 * <p>The URI comes from the {@code uri} parameter, else {@code REEF_AMQP_URI}, else the local broker
 * with the guest user.
 */
final class Broker implements AutoCloseable {
  static final String LOCAL = "amqp://guest:guest@localhost:5672";
  /** Reef's default length limit of an agent queue; the references' queues get the same. */
  static final int MAX_QUEUE_LENGTH = 1_000_000;
  /**
   * The longest wait for the broker's answer to one AMQP method (opening a channel, confirm.select, a
   * declare) in the benchmarks' plain and Spring clients. The client's default, 10 minutes, is as long
   * as a run may take: a broker that never answered would show only as a run that did not finish.
   */
  static final int RPC_TIMEOUT_MS = 60_000;

  private final String uri;
  private final String namespace;
  private final Connection connection;
  private final Set<String> queues = new LinkedHashSet<>();
  private final Set<String> exchanges = new LinkedHashSet<>();
  private Channel channel;

  private Broker(String uri, String namespace, Connection connection) {
    this.uri = uri;
    this.namespace = namespace;
    this.connection = connection;
  }

  /** Connects, in a fresh random namespace. */
  static Broker connect(String uri) throws IOException, TimeoutException {
    ConnectionFactory factory = factory(uri);
    String namespace = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    return new Broker(uri, namespace, factory.newConnection("reef-bench-setup"));
  }

  /**
   * For a scenario that runs on Reef's in-memory backend unless given a broker: null for a {@code
   * memory:} URI, else {@link #connect}, whose namespace the scenario's Reefs then use, so that what
   * they declare is deleted when the run ends.
   */
  static Broker connectUnlessInMemory(String uri) throws IOException, TimeoutException {
    return uri.startsWith("memory:") ? null : connect(uri);
  }

  /** The URI from the parameters or the environment. */
  static String uri(Params params) {
    String fromEnv = System.getenv("REEF_AMQP_URI");
    return params.text("uri", fromEnv != null && !fromEnv.isBlank() ? fromEnv : LOCAL);
  }

  /** A plain client's connection factory for {@code uri}, waiting at most {@link #RPC_TIMEOUT_MS} for an answer. */
  static ConnectionFactory factory(String uri) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setChannelRpcTimeout(RPC_TIMEOUT_MS);
    try {
      factory.setUri(uri);
    } catch (Exception e) {
      throw new IllegalArgumentException("invalid AMQP URI: " + e.getMessage(), e);
    }
    return factory;
  }

  String uri() {
    return uri;
  }

  String namespace() {
    return namespace;
  }

  /**
   * The arguments Reef's AMQP backend declares an agent queue with (classic queues): priorities,
   * the length limit refusing publishes, and dead-lettering of expired messages to {@code expired}.
   * The references' queues get the same, so that the broker does the same work for both.
   */
  static Map<String, Object> agentQueueArguments(String expired) {
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("x-max-priority", 10);
    arguments.put("x-max-length", MAX_QUEUE_LENGTH);
    arguments.put("x-overflow", "reject-publish");
    arguments.put("x-dead-letter-exchange", "");
    arguments.put("x-dead-letter-routing-key", expired);
    return arguments;
  }

  /** Declares a durable exchange that is deleted when the run ends. */
  synchronized void declareExchange(String name, BuiltinExchangeType type) throws IOException {
    exchanges.add(name);
    channel().exchangeDeclare(name, type, true, false, null);
  }

  /**
   * Declares a queue as Reef declares an agent queue (with its expired queue), bound to {@code
   * exchange} with {@code bindingKey}; both are deleted when the run ends.
   */
  synchronized void declareAgentLikeQueue(String queue, String exchange, String bindingKey) throws IOException {
    String expired = queue + ".expired";
    queues.add(queue);
    queues.add(expired);
    Channel ch = channel();
    ch.queueDeclare(expired, true, false, false, Map.of("x-max-length", MAX_QUEUE_LENGTH, "x-overflow",
        "reject-publish"));
    ch.queueDeclare(queue, true, false, false, agentQueueArguments(expired));
    ch.queueBind(queue, exchange, bindingKey);
  }

  /** Binds {@code queue}, declared by this run, to {@code exchange} with one more key. */
  synchronized void bind(String queue, String exchange, String bindingKey) throws IOException {
    channel().queueBind(queue, exchange, bindingKey);
  }

  /** Records broker objects Reef declares in this namespace, so that they are deleted too. */
  synchronized void forgetLater(List<String> queueNames, List<String> exchangeNames) {
    queues.addAll(queueNames);
    exchanges.addAll(exchangeNames);
  }

  /**
   * Records Reef's objects for an agent queue: the queue, its expired queue and its channel's
   * exchanges (the channel's and its history's).
   */
  void reefAgentQueue(String channelName, String agent) {
    String queue = namespace + "." + channelName + "." + agent;
    String exchange = namespace + "." + channelName;
    forgetLater(List.of(queue, queue + ".expired"), List.of(exchange, exchange + ".history"));
  }

  /** How many consumers {@code queue} has, or -1 when it does not exist (yet). */
  synchronized int consumers(String queue) {
    try {
      return channel().queueDeclarePassive(queue).getConsumerCount();
    } catch (IOException | RuntimeException e) {
      channel = null; // a failed passive declare closes the channel
      return -1;
    }
  }

  /** How many messages are ready in {@code queue}, or -1 when it does not exist. */
  synchronized long ready(String queue) {
    try {
      return channel().queueDeclarePassive(queue).getMessageCount();
    } catch (IOException | RuntimeException e) {
      channel = null;
      return -1;
    }
  }

  /**
   * Waits until each of {@code queueNames} has at least one consumer.
   *
   * @throws IllegalStateException when that does not happen in time
   */
  void awaitConsumers(List<String> queueNames, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String queue : queueNames) {
      while (consumers(queue) < 1) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("queue " + queue + " has no consumer after " + timeout.toSeconds() + " s");
        }
        Thread.sleep(20);
      }
    }
  }

  /** Deletes every queue and exchange of the run, then disconnects. */
  @Override
  public synchronized void close() {
    for (String queue : queues) {
      delete(ch -> ch.queueDelete(queue));
    }
    for (String exchange : exchanges) {
      delete(ch -> ch.exchangeDelete(exchange));
    }
    // Reef's own objects in the namespace, declared on demand.
    for (String exchange : List.of(namespace + ".presence", namespace + ".dead", namespace + ".retry")) {
      delete(ch -> ch.exchangeDelete(exchange));
    }
    delete(ch -> ch.queueDelete(namespace + ".dead"));
    try {
      connection.close(5_000);
    } catch (IOException | RuntimeException e) {
      // the broker is gone: nothing left to clean
    }
  }

  private interface Deletion {
    void run(Channel channel) throws IOException;
  }

  private void delete(Deletion deletion) {
    try {
      deletion.run(channel());
    } catch (IOException | RuntimeException e) {
      channel = null;
    }
  }

  private Channel channel() throws IOException {
    if (channel == null || !channel.isOpen()) {
      channel = connection.createChannel();
    }
    return channel;
  }
}
