package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.reef.ReefException;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the durable topology of SPEC §5, once per object per connection (declarations are
 * idempotent on the broker, but each is a round trip), and asks the broker about queues. The client
 * records what is declared here and declares it again after a connection recovery.
 *
 * <p>Every request runs on one thread of its own, which alone uses the topology channel; a caller
 * waits for the answer only until its deadline. So a send whose channel's exchange is declared on
 * first use never waits past its bound, even when the broker stops answering (a resource alarm
 * blocks the connection): the request goes on in the background, bounded by the client's RPC timeout.
 * Concurrent callers of one declaration share it.
 *
 * <p>A declaration the broker refuses (an existing queue with other arguments) closes the channel; it
 * is reopened for the next request, and the error names the object and the cause.
 */
final class Topology implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
  /** The header that sorts a retry into the queue of its delay (headers exchanges ignore "x-" headers). */
  static final String RETRY_DELAY_HEADER = "reef-retry-delay-ms";

  /** What the queues of agents are declared with. */
  record QueueSettings(QueueType type, int maxLength) {}

  /** The names of what this topology declared: for tests and tools that clean up. */
  record Declared(Set<String> queues, Set<String> exchanges) {}

  private interface Request<T> {
    T run(Channel channel) throws IOException;
  }

  private final Connection connection;
  private final BrokerNames names;
  private final QueueSettings queues;
  private final Duration rpcTimeout;
  private final ExecutorService worker;
  private final Map<String, CompletableFuture<Void>> declarations = new ConcurrentHashMap<>();
  private final Set<String> exchangesUsed = ConcurrentHashMap.newKeySet();
  private final Set<String> queuesUsed = ConcurrentHashMap.newKeySet();
  private Channel channel; // used on the worker thread only

  Topology(Connection connection, BrokerNames names, QueueSettings queues, Duration rpcTimeout) {
    this.connection = connection;
    this.names = names;
    this.queues = queues;
    this.rpcTimeout = rpcTimeout;
    this.worker = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "reef-amqp-topology-" + names.namespace());
      thread.setDaemon(true);
      return thread;
    });
  }

  BrokerNames names() {
    return names;
  }

  /** Declares the channel's topic exchange, waiting at most the RPC timeout; returns its name. */
  String channelExchange(String channelName) {
    return channelExchange(channelName, deadline());
  }

  /**
   * Declares the channel's topic exchange, waiting at most until {@code deadlineNanos} ({@link
   * System#nanoTime()}); returns its name.
   *
   * @throws ReefException when the broker refuses, or does not answer in time
   */
  String channelExchange(String channelName, long deadlineNanos) {
    String exchange = names.channelExchange(channelName);
    declare("exchange " + exchange, ch -> ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null),
        deadlineNanos);
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
    declare("queue " + queue, ch -> {
      ch.queueDeclare(expired, true, false, false, queueArguments(false));
      Map<String, Object> arguments = queueArguments(queues.type() == QueueType.CLASSIC);
      // Expired spores are dead-lettered (without their expiration) to the expired queue.
      arguments.put("x-dead-letter-exchange", "");
      arguments.put("x-dead-letter-routing-key", expired);
      ch.queueDeclare(queue, true, false, false, arguments);
      ch.queueBind(queue, exchange, BrokerNames.agentBinding(agent));
      ch.queueBind(queue, exchange, BrokerNames.BROADCAST_BINDING);
    }, deadline());
    queuesUsed.add(expired);
    queuesUsed.add(queue);
    return queue;
  }

  private Map<String, Object> queueArguments(boolean priorities) {
    Map<String, Object> arguments = new HashMap<>();
    if (queues.type() == QueueType.QUORUM) {
      arguments.put("x-queue-type", "quorum");
    } else if (priorities) {
      arguments.put("x-max-priority", Spore.MAX_PRIORITY);
    }
    if (queues.maxLength() > 0) {
      // A full queue refuses new spores (the publisher gets a nack) instead of dropping old ones.
      arguments.put("x-max-length", queues.maxLength());
      arguments.put("x-overflow", "reject-publish");
    }
    return arguments;
  }

  /** Declares the dead-letter exchange and queue; returns their name. */
  String deadLetters() {
    String dead = names.dead();
    declare("dead letters " + dead, ch -> {
      ch.exchangeDeclare(dead, BuiltinExchangeType.FANOUT, true, false, null);
      ch.queueDeclare(dead, true, false, false, null);
      ch.queueBind(dead, dead, "");
    }, deadline());
    exchangesUsed.add(dead);
    queuesUsed.add(dead);
    return dead;
  }

  /**
   * Declares the queue where retries wait {@code delayMillis}, and the headers exchange {@link
   * BrokerNames#retryExchange()} that sorts retries into it by {@link #RETRY_DELAY_HEADER}; returns
   * the queue's name. Every message in the queue has the same time to live (so none waits behind a
   * longer one), then is dead-lettered through the default exchange with its routing key, which is
   * the agent queue's name.
   */
  String retryQueue(long delayMillis) {
    String exchange = names.retryExchange();
    String queue = names.retryQueue(delayMillis);
    declare("retry queue " + queue, ch -> {
      ch.exchangeDeclare(exchange, BuiltinExchangeType.HEADERS, true, false, null);
      ch.queueDeclare(queue, true, false, false, Map.of(
          "x-message-ttl", delayMillis,
          "x-dead-letter-exchange", ""));
      ch.queueBind(queue, exchange, "", Map.of("x-match", "all", RETRY_DELAY_HEADER, Long.toString(delayMillis)));
    }, deadline());
    exchangesUsed.add(exchange);
    queuesUsed.add(queue);
    return queue;
  }

  /** Declares the presence exchange; returns its name. */
  String presenceExchange() {
    String exchange = names.presenceExchange();
    declare("exchange " + exchange, ch -> ch.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, true, false, null),
        deadline());
    exchangesUsed.add(exchange);
    return exchange;
  }

  /**
   * The number of ready messages in {@code queue}; 0 when it does not exist (nothing waits in it).
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  long messageCount(String queue) {
    return readyMessages(queue).orElse(0);
  }

  /**
   * The number of ready messages in {@code queue}, asked with a passive declare (which creates
   * nothing); empty when it does not exist.
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  OptionalLong readyMessages(String queue) {
    try {
      return OptionalLong.of(call("count the messages of queue " + queue,
          ch -> (long) ch.queueDeclarePassive(queue).getMessageCount(), deadline()));
    } catch (ReefException e) {
      if (brokerReason(e).startsWith("404 ")) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  /**
   * True while {@code queue} exists, asked with a passive declare (which creates nothing); a queue
   * exclusive to another connection exists (the broker says it is locked).
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  boolean queueExists(String queue) {
    try {
      call("look for queue " + queue, ch -> ch.queueDeclarePassive(queue), deadline());
      return true;
    } catch (ReefException e) {
      String reason = brokerReason(e);
      if (reason.startsWith("404 ")) {
        return false;
      }
      if (reason.startsWith("405 ")) {
        return true; // RESOURCE_LOCKED: exclusive to its owner's connection, which is alive
      }
      throw e;
    }
  }

  /** Empties {@code queue} if it exists; returns how many messages it held. */
  int purgeIfExists(String queue) {
    try {
      return call("purge queue " + queue, ch -> ch.queuePurge(queue).getMessageCount(), deadline());
    } catch (ReefException e) {
      if (brokerReason(e).startsWith("404 ")) {
        return 0;
      }
      throw e;
    }
  }

  /**
   * Deletes these queues and exchanges, messages included; returns how many existed. Queues
   * exclusive to other connections (reply and presence queues) cannot be deleted here, and go with
   * their connections.
   */
  int delete(List<String> queueNames, List<String> exchangeNames) {
    int deleted = call("delete " + queueNames.size() + " queues and " + exchangeNames.size() + " exchanges", ch -> {
      int count = 0;
      for (String queue : queueNames) {
        count += deleteObject("queue " + queue, () -> channelOnWorker().queueDelete(queue)) ? 1 : 0;
      }
      for (String exchange : exchangeNames) {
        count += deleteObject("exchange " + exchange, () -> channelOnWorker().exchangeDelete(exchange)) ? 1 : 0;
      }
      return count;
    }, deadline(Math.max(1, queueNames.size() + exchangeNames.size())));
    declarations.clear(); // what this connection declared is gone: the next use declares it again
    return deleted;
  }

  /** Forgets what was declared, so that the next use declares it again (after a channel error). */
  void forget() {
    declarations.clear();
  }

  /** What this topology declared or used. */
  Declared declared() {
    return new Declared(Set.copyOf(queuesUsed), Set.copyOf(exchangesUsed));
  }

  /** Deletes every queue and exchange this topology declared, messages included (tests and tools). */
  void deleteAll() {
    Set<String> queueNames = new LinkedHashSet<>(queuesUsed);
    Set<String> exchangeNames = new LinkedHashSet<>(exchangesUsed);
    call("delete the namespace's objects", ch -> {
      for (String queue : queueNames) {
        deleteQuietly("queue " + queue, () -> channelOnWorker().queueDelete(queue));
      }
      for (String exchange : exchangeNames) {
        deleteQuietly("exchange " + exchange, () -> channelOnWorker().exchangeDelete(exchange));
      }
      return null;
    }, deadline());
    declarations.clear();
  }

  @Override
  public void close() {
    try {
      worker.submit(() -> Quietly.close(channel, "the topology channel")).get(rpcTimeout.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.debug("closing the topology channel: {}", e.toString());
    }
    worker.shutdownNow();
  }

  private long deadline() {
    return System.nanoTime() + rpcTimeout.toNanos();
  }

  /** A deadline for {@code requests} requests in a row. */
  private long deadline(int requests) {
    return System.nanoTime() + rpcTimeout.toNanos() * Math.min(requests, 100);
  }

  private interface Declaration {
    void run(Channel channel) throws IOException;
  }

  /** Declares {@code what} unless it is declared already; concurrent callers share one request. */
  private void declare(String what, Declaration declaration, long deadlineNanos) {
    CompletableFuture<Void> declared = declarations.get(what);
    if (declared != null && declared.isDone() && !declared.isCompletedExceptionally()) {
      return; // the common case: declared before
    }
    if (declared == null) {
      declared = declarations.computeIfAbsent(what, key -> submit(what, ch -> {
        declaration.run(ch);
        return null;
      }));
    }
    try {
      await(declared, "declare " + what, deadlineNanos);
    } catch (ReefException e) {
      declarations.remove(what, declared); // so that the next use tries again
      if (declared.isCompletedExceptionally()) {
        String reason = brokerReason(e);
        throw new ReefException("the broker refused to declare " + what + ": " + reason
            + (reason.contains("PRECONDITION_FAILED")
                ? " (it exists with other settings: delete it, or use the settings it was made with)" : ""), e);
      }
      throw e;
    }
  }

  private <T> T call(String what, Request<T> request, long deadlineNanos) {
    return await(submit(what, request), what, deadlineNanos);
  }

  private <T> CompletableFuture<T> submit(String what, Request<T> request) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    try {
      worker.execute(() -> {
        try {
          answer.complete(request.run(channelOnWorker()));
        } catch (IOException | RuntimeException e) {
          channel = null; // refused (closed by the broker) or timed out: the next request opens a fresh one
          answer.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(new ReefException("the AMQP backend is closed; could not " + what));
    }
    return answer;
  }

  private static <T> T await(CompletableFuture<T> answer, String what, long deadlineNanos) {
    try {
      return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new ReefException("the broker did not answer in time to " + what + " (is the connection blocked by a"
          + " resource alarm, or the broker overloaded?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ReefException reef) {
        throw reef;
      }
      throw new ReefException("could not " + what + ": " + brokerReason(cause), cause);
    }
  }

  private interface Deletion {
    void run() throws IOException;
  }

  private void deleteQuietly(String what, Deletion deletion) {
    try {
      deletion.run();
    } catch (IOException | RuntimeException e) {
      channel = null;
      LOG.debug("could not delete {}: {}", what, e.toString());
    }
  }

  /** Deletes one object; true when it existed and is gone, false when it did not exist or was locked. */
  private boolean deleteObject(String what, Deletion deletion) throws IOException {
    try {
      deletion.run();
      return true;
    } catch (IOException | RuntimeException e) {
      channel = null; // the refusal closed the channel
      String reason = brokerReason(e);
      if (reason.startsWith("404 ") || reason.startsWith("405 ")) {
        LOG.debug("did not delete {}: {}", what, reason);
        return false;
      }
      throw new IOException("could not delete " + what + ": " + reason, e);
    }
  }

  private Channel channelOnWorker() throws IOException {
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
        return String.valueOf(signal.getMessage());
      }
    }
    return String.valueOf(error.getMessage());
  }
}
