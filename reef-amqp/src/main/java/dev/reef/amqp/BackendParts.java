package dev.reef.amqp;

import com.rabbitmq.client.Connection;
import dev.reef.ReefException;
import dev.reef.spore.JsonMapping;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The collaborators of one {@link AmqpBackend}, built once from its options, each given only what it
 * uses, and closed in order. None of them holds the backend.
 *
 * <p>Two connections, one to publish and one to consume, so that the broker's flow control on
 * publishers never holds up acknowledgements. Threads: {@code completions} completes send futures
 * off the I/O thread; {@code timer} expires overdue confirms, flushes acks and requeues after a
 * pause; {@code presenceSending} takes presence sends off their callers' threads.
 *
 * <p>Presence publishes on a channel of its own ({@code presencePublisher}): its exchange is transient,
 * and a publish to an exchange the broker has just deleted closes the channel it went on, which must
 * never fail the spores that share it.
 */
record BackendParts(
    AmqpOptions options,
    BrokerNames names,
    Connector connector,
    Connection publishing,
    Connection consuming,
    ExecutorService completions,
    ScheduledExecutorService timer,
    ExecutorService presenceSending,
    SporeCodec codec,
    BrokerCalls brokerCalls,
    Topology topology,
    BrokerQueues queues,
    ConfirmingPublisher publisher,
    ConfirmingPublisher presencePublisher,
    SporeSender sender,
    Retries retries,
    AmqpDeadLetters deadLetters,
    AgentConsumer.Shared consumers,
    ManagementApi management) {

  /** How often overdue confirms are failed: a fraction of any sensible confirm timeout. */
  private static final Duration EXPIRY_CHECK = Duration.ofMillis(250);
  /**
   * The most presence messages outstanding: one per heartbeat and change, each until its confirm or
   * its confirm timeout, so that even a 50 ms heartbeat through a 30 s outage stays below it.
   */
  private static final int PRESENCE_UNCONFIRMED = 1_000;

  /**
   * Connects as {@code options} say and builds every part.
   *
   * @param json the mapping decoded knowledge is read with
   * @param meters where the backend's own meters go
   * @throws ReefException when the broker cannot be reached or refuses the connection, naming why
   */
  static BackendParts open(AmqpOptions options, JsonMapping json, MeterRegistry meters) {
    Connector connector = new Connector(options, meters);
    BrokerNames names = new BrokerNames(options.namespace(), options.get(AmqpOption.SITE));
    String namespace = options.namespace();
    Connection publishing = connector.open("publish");
    Connection consuming = null;
    ExecutorService completions = null;
    ScheduledExecutorService timer = null;
    ExecutorService presenceSending = null;
    BrokerCalls calls = null;
    try {
      consuming = connector.open("consume");
      completions = Executors.newSingleThreadExecutor(daemon("reef-amqp-completions-" + namespace));
      timer = Executors.newSingleThreadScheduledExecutor(daemon("reef-amqp-timer-" + namespace));
      presenceSending = Executors.newSingleThreadExecutor(daemon("reef-amqp-presence-" + namespace));
      // Every spore carries this connection's login as user_id, which RabbitMQ checks, so receivers
      // learn who published it from the broker rather than from the sender.
      SporeCodec codec = new SporeCodec(options.get(AmqpOption.MAX_BODY_BYTES), connector.user(), json);
      calls = new BrokerCalls(publishing, "reef-amqp-topology-" + namespace, options.get(AmqpOption.RPC_TIMEOUT));
      Topology topology = new Topology(calls, names, new Topology.QueueSettings(options.get(AmqpOption.QUEUE_TYPE),
          options.get(AmqpOption.MAX_QUEUE_LENGTH), options.get(AmqpOption.MAX_QUEUE_BYTES)));
      BrokerQueues queues = new BrokerQueues(calls);
      ConfirmingPublisher publisher = new ConfirmingPublisher("publishing channel", publishing, completions,
          new ConfirmingPublisher.Limits(options.get(AmqpOption.CONFIRM_TIMEOUT), options.get(AmqpOption.MAX_UNCONFIRMED)),
          topology::forget);
      ConfirmingPublisher presencePublisher = new ConfirmingPublisher("presence publishing channel", publishing,
          completions, new ConfirmingPublisher.Limits(options.get(AmqpOption.CONFIRM_TIMEOUT), PRESENCE_UNCONFIRMED),
          () -> { }); // presence declares its exchange again itself (AmqpPresence)
      SporeSender sender = new SporeSender(topology, publisher, codec, options.get(AmqpOption.SEND_WAIT),
          options.get(AmqpOption.REPLY_WAIT), timer, meters, options.get(AmqpOption.SITES).stream()
              .map(dev.reef.sites.Site::name).collect(java.util.stream.Collectors.toSet()));
      if (names.sitesOn()) {
        topology.sitesExchange(); // before any reply queue or pinned queue binds to it
      }
      Retries retries = new Retries(topology, queues, sender, codec);
      AmqpDeadLetters deadLetters = new AmqpDeadLetters(publishing, topology, queues, sender, codec, sender::publish,
          DeadLetterSeal.of(options, connector.user()));
      long every = EXPIRY_CHECK.toMillis();
      timer.scheduleWithFixedDelay(() -> {
        publisher.expireOverdue();
        presencePublisher.expireOverdue();
      }, every, every, TimeUnit.MILLISECONDS);
      return new BackendParts(options, names, connector, publishing, consuming, completions, timer, presenceSending,
          codec, calls, topology, queues, publisher, presencePublisher, sender, retries, deadLetters,
          new AgentConsumer.Shared(codec, retries, deadLetters, timer,
              options.get(AmqpOption.QUEUE_TYPE) == QueueType.QUORUM), ManagementApi.of(options));
    } catch (IOException | RuntimeException e) {
      if (calls != null) {
        calls.close();
      }
      shutdown(completions, timer, presenceSending);
      Quietly.close(consuming);
      Quietly.close(publishing);
      if (e instanceof IOException) {
        throw new ReefException("could not open a publishing channel on " + connector.describe() + ": "
            + BrokerReason.of(e), e);
      }
      throw (RuntimeException) e;
    }
  }

  /** Sends presence messages on their own channel, within the backend's send bound ({@code send_wait_ms}). */
  MessageSender presenceSender() {
    long sendWait = options.get(AmqpOption.SEND_WAIT).toNanos();
    return message -> presencePublisher.publish(message, System.nanoTime() + sendWait);
  }

  /** Closes what the parts hold, after the backend closed its consumers and endpoints. */
  void close() {
    publisher.close(Duration.ofSeconds(2));
    presencePublisher.close(Duration.ofSeconds(1));
    brokerCalls.close();
    Quietly.close(consuming);
    Quietly.close(publishing);
    shutdown(completions, timer, presenceSending);
  }

  private static void shutdown(ExecutorService... executors) {
    for (ExecutorService executor : executors) {
      if (executor != null) {
        executor.shutdown();
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
