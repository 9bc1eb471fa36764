package dev.reef.conformance;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.spi.ReefBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the AMQP connections of one namespace used, kept so that the fixture can delete the durable
 * objects afterwards, by the names of SPEC §5: per channel its exchange {@code ns.CHANNEL}; per agent
 * its queue {@code ns.CHANNEL.AGENT} and {@code ns.CHANNEL.AGENT.expired}; per retry delay {@code
 * ns.retry.MILLIS}; and the namespace's {@code ns.dead}, {@code ns.retry} and {@code ns.presence}.
 * Private queues (replies, presence, observers) are exclusive and go with their connection.
 */
final class AmqpTopology {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpTopology.class);
  private static final Map<String, AmqpTopology> BY_NAMESPACE = new ConcurrentHashMap<>();
  private static final int LOGGED_FAILURES = 3;

  private final String namespace;
  private final Set<String> channels = ConcurrentHashMap.newKeySet();
  private final Set<String> agentQueues = ConcurrentHashMap.newKeySet();
  private final Set<Long> retryDelays = ConcurrentHashMap.newKeySet();

  private AmqpTopology(String namespace) {
    this.namespace = namespace;
  }

  /** The record of {@code namespace}, made on first use. */
  static AmqpTopology of(String namespace) {
    return BY_NAMESPACE.computeIfAbsent(namespace, AmqpTopology::new);
  }

  /** {@code backend}, telling this record what it declares. */
  ReefBackend recording(ReefBackend backend) {
    return new RecordingBackend(backend, this);
  }

  void usedChannel(String channel) {
    channels.add(channel);
  }

  void usedAgentQueue(String channel, String agent) {
    channels.add(channel);
    agentQueues.add(channel + "." + agent);
  }

  void usedRetryDelay(long millis) {
    retryDelays.add(millis);
  }

  /**
   * Deletes everything {@code namespace} used on the broker at {@code brokerUri}, messages included,
   * and forgets it. Objects that do not exist are fine.
   *
   * @throws IllegalStateException when the broker refused to delete some of them
   */
  static void remove(String namespace, String brokerUri) {
    AmqpTopology topology = BY_NAMESPACE.remove(namespace);
    if (topology == null) {
      return; // nothing was ever connected
    }
    List<String> failures = new ArrayList<>();
    try (Connection connection = connect(brokerUri)) {
      for (String queue : topology.queues()) {
        delete(connection, "queue " + queue, channel -> channel.queueDelete(queue), failures);
      }
      for (String exchange : topology.exchanges()) {
        delete(connection, "exchange " + exchange, channel -> channel.exchangeDelete(exchange), failures);
      }
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("could not clean up namespace " + namespace + " on the test broker: " + e, e);
    }
    if (!failures.isEmpty()) {
      failures.stream().limit(LOGGED_FAILURES).forEach(failure -> LOG.warn("cleanup of {}: {}", namespace, failure));
      throw new IllegalStateException(failures.size() + " broker object(s) of namespace " + namespace
          + " could not be deleted, e.g. " + failures.get(0));
    }
  }

  private Set<String> queues() {
    Set<String> queues = new LinkedHashSet<>();
    for (String agentQueue : agentQueues) {
      queues.add(namespace + "." + agentQueue);
      queues.add(namespace + "." + agentQueue + ".expired");
    }
    for (long delay : retryDelays) {
      queues.add(namespace + ".retry." + delay);
    }
    for (String channel : channels) {
      queues.add(namespace + "." + channel + ".history"); // the channel's stream, if it kept history
    }
    queues.add(namespace + ".dead");
    return queues;
  }

  private Set<String> exchanges() {
    Set<String> exchanges = new LinkedHashSet<>();
    for (String channel : channels) {
      exchanges.add(namespace + "." + channel);
      exchanges.add(namespace + "." + channel + ".history"); // the channel's history exchange
    }
    exchanges.add(namespace + ".dead");
    exchanges.add(namespace + ".retry");
    exchanges.add(namespace + ".presence");
    return exchanges;
  }

  private static Connection connect(String brokerUri) throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(brokerUri);
    } catch (java.net.URISyntaxException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the test broker's URI is not usable: " + e.getClass().getSimpleName(), e);
    }
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("reef-conformance-cleanup");
  }

  /** One deletion on its own channel: a refusal closes the channel, not the connection. */
  private static void delete(Connection connection, String what, Deletion deletion, List<String> failures) {
    try (Channel channel = connection.createChannel()) {
      deletion.apply(channel);
    } catch (IOException | TimeoutException | RuntimeException e) {
      String reason = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
      if (!reason.contains("NOT_FOUND")) { // already gone: that is what we want
        failures.add(what + ": " + reason);
      }
    }
  }

  @FunctionalInterface
  private interface Deletion {
    void apply(Channel channel) throws IOException;
  }
}
