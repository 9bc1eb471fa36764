package dev.reef.tools.http;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.Reef;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * A random namespace on the shared test broker ({@code REEF_AMQP_URI}, else {@code
 * amqp://guest:guest@localhost:5672}); closing it deletes the durable queues and exchanges its
 * channels and agents made. Without a broker the test fails saying how to get one: never skipped.
 */
final class BrokerNamespace implements AutoCloseable {
  static final String ENV = "REEF_AMQP_URI";
  private static final String LOCAL = "amqp://guest:guest@localhost:5672";

  private final String namespace = "http-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> channels;
  private final List<String> agents;

  /** A namespace whose objects for {@code channels} x {@code agents} are deleted on close. */
  BrokerNamespace(List<String> channels, List<String> agents) {
    this.channels = List.copyOf(channels);
    this.agents = List.copyOf(agents);
  }

  static URI brokerUri() {
    String configured = System.getenv(ENV);
    URI uri = URI.create(configured != null && !configured.isBlank() ? configured.trim() : LOCAL);
    int port = uri.getPort() == -1 ? 5672 : uri.getPort();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port), 2_000);
    } catch (IOException e) {
      throw new IllegalStateException("""
          This test needs a RabbitMQ broker at %s:%d and none answers (%s).
          Start one (bin/ensure-broker, or apt-get install rabbitmq-server && rabbitmq-server -detached),
          or set %s to a broker URI.""".formatted(uri.getHost(), port, e.getMessage(), ENV), e);
    }
    return uri;
  }

  String namespace() {
    return namespace;
  }

  /**
   * A Reef builder for this namespace through {@code uri} (e.g. a proxy in front of the broker), found
   * by its scheme as users would, with a short heartbeat and recovery interval. The Reef closes its
   * backend; close it before this namespace.
   */
  Reef.Builder reef(String uri) {
    String separator = uri.contains("?") ? "&" : "?";
    return Reef.builder().uri(uri + separator + "recovery_interval_ms=200").namespace(namespace)
        .heartbeat(Duration.ofMillis(500));
  }

  /** A Reef builder for this namespace on the test broker. */
  Reef.Builder reef() {
    return reef(brokerUri().toString());
  }

  /** A plain client connection to the broker, as a foreign program would open. */
  static Connection rawConnection() throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(brokerUri());
    } catch (java.net.URISyntaxException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("bad broker URI", e);
    }
    return factory.newConnection("reef-http-test");
  }

  @Override
  public void close() throws IOException, TimeoutException {
    try (Connection connection = rawConnection(); Channel channel = connection.createChannel()) {
      for (String name : channels) {
        for (String agent : agents) {
          channel.queueDelete(namespace + "." + name + "." + agent);
          channel.queueDelete(namespace + "." + name + "." + agent + ".expired");
        }
        channel.exchangeDelete(namespace + "." + name);
        channel.exchangeDelete(namespace + "." + name + ".history");
      }
      channel.queueDelete(namespace + ".dead");
      for (String exchange : List.of("dead", "retry", "presence")) {
        channel.exchangeDelete(namespace + "." + exchange);
      }
    }
  }
}
