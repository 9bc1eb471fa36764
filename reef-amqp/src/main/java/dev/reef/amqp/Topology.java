package dev.reef.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import dev.reef.ReefException;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Declares the durable topology of SPEC §5, once per object per connection (declarations are
 * idempotent on the broker, but each is a round trip). The client records what is declared here and
 * declares it again after a connection recovery. Looking at queues that may not exist, emptying and
 * deleting them is {@link BrokerQueues}'s.
 *
 * <p>Every request goes through {@link BrokerCalls}: a caller waits only until its deadline, so a
 * send that looks for its channel's exchange on first use never waits past its bound. Concurrent
 * callers of one declaration share it. A declaration the broker refuses (an existing queue with other
 * arguments) fails naming the object and the cause.
 */
final class Topology {
  /** The header that sorts a retry into the queue of its delay (headers exchanges ignore "x-" headers). */
  static final String RETRY_DELAY_HEADER = "reef-retry-delay-ms";

  /**
   * What the queues of agents are declared with.
   *
   * @param maxLength the most spores a queue holds (0: no limit)
   * @param maxBytes the most bytes of spore bodies a queue holds (0: no limit)
   */
  record QueueSettings(QueueType type, int maxLength, long maxBytes) {}

  /** The names of what this topology declared: for tests and tools that clean up. */
  record Declared(Set<String> queues, Set<String> exchanges) {}

  private final BrokerNames names;
  private final QueueSettings queues;
  private final BrokerCalls calls;
  private final Map<String, CompletableFuture<Void>> declarations = new ConcurrentHashMap<>();
  private final Set<String> exchangesUsed = ConcurrentHashMap.newKeySet();
  private final Set<String> queuesUsed = ConcurrentHashMap.newKeySet();

  Topology(BrokerCalls calls, BrokerNames names, QueueSettings queues) {
    this.names = names;
    this.queues = queues;
    this.calls = calls;
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
    String history = names.historyExchange(channelName);
    declare("exchange " + exchange, ch -> {
      ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null);
      // Declared with the channel, so that an agent queue's history binding never has to ask whether
      // the channel keeps history: the stream, when there is one, hangs off this exchange.
      ch.exchangeDeclare(history, BuiltinExchangeType.FANOUT, true, false, null);
      ch.exchangeBind(history, exchange, BrokerNames.BROADCAST_BINDING);
    }, deadlineNanos);
    exchangesUsed.add(exchange);
    exchangesUsed.add(history);
    return exchange;
  }

  /**
   * True when {@code exchange} exists, asked with a passive declare (which creates nothing) and
   * remembered once true; waits at most until {@code deadlineNanos}.
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  boolean exchangeExists(String exchange, long deadlineNanos) {
    String what = "exchange " + exchange;
    CompletableFuture<Void> known = declarations.get(what);
    if (known != null && known.isDone() && !known.isCompletedExceptionally()) {
      return true; // declared or found before
    }
    try {
      call("look for " + what, ch -> ch.exchangeDeclarePassive(exchange), deadlineNanos);
    } catch (ReefException e) {
      if (BrokerReason.of(e).startsWith("404 ")) {
        return false; // not remembered: a subscriber may declare it any time
      }
      throw e;
    }
    declarations.putIfAbsent(what, CompletableFuture.completedFuture(null));
    return true;
  }

  /**
   * Declares an agent's queue on a channel, bound for its directed spores and all broadcasts, and the
   * queue its expired spores move to.
   */
  String agentQueue(String channelName, String agent) {
    String queue = queue(channelName, agent, true);
    if (names.sitesOn()) {
      pinnedQueue(channelName, agent);
    }
    return queue;
  }

  /**
   * As {@link #agentQueue} without the pinned queue and without the history binding: for an agent of
   * another site (docs/sites.md), whose directed spores that site's history records.
   */
  String mirrorQueue(String channelName, String agent) {
    return queue(channelName, agent, false);
  }

  private String queue(String channelName, String agent, boolean recordedHere) {
    String exchange = channelExchange(channelName);
    String queue = names.agentQueue(channelName, agent);
    String expired = names.expiredQueue(channelName, agent);
    declare((recordedHere ? "queue " : "mirror queue ") + queue, ch -> {
      ch.queueDeclare(expired, true, false, false, queueArguments(false));
      Map<String, Object> arguments = queueArguments(queues.type() == QueueType.CLASSIC);
      // Expired spores are dead-lettered (without their expiration) to the expired queue.
      arguments.put("x-dead-letter-exchange", "");
      arguments.put("x-dead-letter-routing-key", expired);
      ch.queueDeclare(queue, true, false, false, arguments);
      if (recordedHere) {
        // Directed spores reach the history exchange once the agent has a queue, never before (SPEC
        // §3.6). Not waited for: the next bind fails, with the broker's reason, if this one was refused.
        ch.exchangeBindNoWait(names.historyExchange(channelName), exchange, BrokerNames.agentBinding(agent), null);
      }
      ch.queueBind(queue, exchange, BrokerNames.agentBinding(agent));
      ch.queueBind(queue, exchange, BrokerNames.BROADCAST_BINDING);
    }, deadline());
    queuesUsed.add(expired);
    queuesUsed.add(queue);
    return queue;
  }

  /** Declares the queue of spores to {@code AGENT@SITE} at this site, bound to the sites exchange. */
  String pinnedQueue(String channelName, String agent) {
    String exchange = sitesExchange(); // declared first: the queue binds to it
    String queue = names.pinnedQueue(channelName, agent);
    declare("queue " + queue, ch -> {
      Map<String, Object> arguments = queueArguments(queues.type() == QueueType.CLASSIC);
      arguments.put("x-dead-letter-exchange", "");
      arguments.put("x-dead-letter-routing-key", names.expiredQueue(channelName, agent));
      ch.queueDeclare(queue, true, false, false, arguments);
      ch.queueBind(queue, exchange, BrokerNames.pinnedBinding(names.site(), channelName, agent));
    }, deadline());
    queuesUsed.add(queue);
    return queue;
  }

  /** Declares the sites exchange {@code ns.sites} (durable topic), federated between sites; returns its name. */
  String sitesExchange() {
    String exchange = names.sitesExchange();
    declare("exchange " + exchange, ch -> ch.exchangeDeclare(exchange, "topic", true, false, null), deadline());
    exchangesUsed.add(exchange);
    return exchange;
  }

  private Map<String, Object> queueArguments(boolean priorities) {
    Map<String, Object> arguments = new HashMap<>();
    if (queues.type() == QueueType.QUORUM) {
      arguments.put("x-queue-type", "quorum");
    } else if (priorities) {
      arguments.put("x-max-priority", Spore.MAX_PRIORITY);
    }
    if (queues.maxLength() > 0) {
      arguments.put("x-max-length", queues.maxLength());
    }
    if (queues.maxBytes() > 0) {
      arguments.put("x-max-length-bytes", queues.maxBytes());
    }
    if (queues.maxLength() > 0 || queues.maxBytes() > 0) {
      // A full queue refuses new spores (the publisher gets a nack) instead of dropping old ones.
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

  /**
   * Declares the presence exchange, transient: not durable, and deleted by the broker once the last
   * presence queue bound to it goes (presence leaves nothing behind); returns its name. A durable one
   * that older Reefs declared is used as it is.
   */
  String presenceExchange() {
    String exchange = names.presenceExchange();
    try {
      declare("exchange " + exchange, ch -> ch.exchangeDeclare(exchange, BuiltinExchangeType.FANOUT, false, true,
          null), deadline());
    } catch (ReefException e) {
      if (!BrokerReason.of(e).contains("PRECONDITION_FAILED") || !exchangeExists(exchange, deadline())) {
        throw e;
      }
    }
    exchangesUsed.add(exchange);
    return exchange;
  }

  /**
   * As {@link #presenceExchange()}, even when it was declared before: the broker deletes it once no
   * presence queue is bound to it.
   */
  String presenceExchangeAgain() {
    declarations.remove("exchange " + names.presenceExchange());
    return presenceExchange();
  }

  /** Forgets what was declared, so that the next use declares it again (after a channel error). */
  void forget() {
    declarations.clear();
  }

  /** What this topology declared or used. */
  Declared declared() {
    return new Declared(Set.copyOf(queuesUsed), Set.copyOf(exchangesUsed));
  }

  private long deadline() {
    return calls.deadline();
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
      declared = declarations.computeIfAbsent(what, key -> calls.submit(what, ch -> {
        declaration.run(ch);
        return null;
      }));
    }
    try {
      BrokerCalls.await(declared, "declare " + what, deadlineNanos);
    } catch (ReefException e) {
      declarations.remove(what, declared); // so that the next use tries again
      if (declared.isCompletedExceptionally()) {
        String reason = BrokerReason.of(e);
        throw new ReefException("the broker refused to declare " + what + ": " + reason
            + (reason.contains("PRECONDITION_FAILED")
                ? " (it exists with other settings: delete it, or use the settings it was made with)" : ""), e);
      }
      throw e;
    }
  }

  private <T> T call(String what, BrokerCalls.Request<T> request, long deadlineNanos) {
    return calls.call(what, request, deadlineNanos);
  }
}
