package dev.reef.examples.process;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.RetryPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The broker the process tests run their JVMs against: {@code REEF_AMQP_URI} if set, else RabbitMQ
 * on {@code localhost:5672} ({@code bin/test} starts the local one). Without either the tests fail
 * saying so; they are never skipped silently. Also makes random namespaces and deletes what the
 * JVMs declared in them.
 */
final class ProcessBroker {
  private static final String LOCAL = "amqp://guest:guest@localhost:5672";

  private ProcessBroker() {}

  static String uri() {
    String fromEnvironment = System.getenv("REEF_AMQP_URI");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.trim();
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("localhost", 5672), 500);
      return LOCAL;
    } catch (IOException e) {
      throw new IllegalStateException("The process tests need a RabbitMQ broker: set REEF_AMQP_URI, or run one on "
          + "localhost:5672 (bin/ensure-broker starts an installed rabbitmq-server; or "
          + "`docker run -d -p 5672:5672 rabbitmq:3.13`).");
    }
  }

  /** A namespace of its own for one test class. */
  static String newNamespace() {
    return "proc-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A plain client connection, as a non-Reef program would open. */
  static Connection connect() {
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(uri());
      factory.setAutomaticRecoveryEnabled(false);
      return factory.newConnection("reef-process-test");
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect to the test broker: " + e.getMessage(), e);
    }
  }

  /** Ready messages in {@code queue} (not those held unacknowledged by consumers). */
  static int readyMessages(String queue) {
    try (Connection connection = connect(); Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (Exception e) {
      throw new IllegalStateException("cannot inspect queue " + queue + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes every durable object Reef declares in {@code namespace} for these channels and agents
   * (SPEC §5): channel exchanges, agent queues and their expired queues, dead letters, retry queues,
   * presence. Private queues (replies, presence, observers) went with their connections.
   */
  static void deleteTopology(String namespace, Collection<String> channels, Collection<String> agents) {
    Set<String> queues = new LinkedHashSet<>();
    Set<String> exchanges = new LinkedHashSet<>();
    for (String channel : channels) {
      exchanges.add(namespace + "." + channel);
      exchanges.add(namespace + "." + channel + ".history");
      for (String agent : agents) {
        queues.add(namespace + "." + channel + "." + agent);
        queues.add(namespace + "." + channel + "." + agent + ".expired");
      }
    }
    queues.add(namespace + ".dead");
    exchanges.add(namespace + ".dead");
    exchanges.add(namespace + ".retry");
    exchanges.add(namespace + ".presence");
    for (int attempt = 1; attempt <= 20; attempt++) {
      queues.add(namespace + ".retry." + RetryPolicy.DEFAULT.backoffAfter(attempt).toMillis());
    }
    try (Connection connection = connect()) {
      for (String queue : queues) {
        try (Channel channel = connection.createChannel()) {
          channel.queueDelete(queue);
        }
      }
      for (String exchange : exchanges) {
        try (Channel channel = connection.createChannel()) {
          channel.exchangeDelete(exchange);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not clean up namespace " + namespace + ": " + e.getMessage(), e);
    }
  }
}
