package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The RabbitMQ broker the tests run against, found once per JVM in this order: the environment
 * variable {@code REEF_AMQP_URI}; a broker on {@code localhost:5672} (guest/guest); a Testcontainers
 * RabbitMQ when Docker is available. With none of them the tests fail, saying how to get one: they
 * are never skipped silently.
 */
public final class TestBroker {
  static final String ENV = "REEF_AMQP_URI";
  private static final String LOCAL = "amqp://guest:guest@localhost:5672";
  private static final String IMAGE = "rabbitmq:3.13-management";
  private static volatile String uri;
  private static RabbitMQContainer container;

  private TestBroker() {}

  /** The broker's URI, starting a container if that is the only way. */
  public static synchronized String uri() {
    if (uri != null) {
      return uri;
    }
    String fromEnvironment = System.getenv(ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return uri = fromEnvironment.trim();
    }
    if (accepts("localhost", 5672)) {
      return uri = LOCAL;
    }
    if (dockerAvailable()) {
      container = new RabbitMQContainer(IMAGE);
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-rabbitmq-container"));
      return uri = "amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword() + "@"
          + container.getHost() + ":" + container.getAmqpPort();
    }
    throw new IllegalStateException("""
        These tests need a RabbitMQ broker, and none was found:
          - the environment variable REEF_AMQP_URI is not set (e.g. amqp://user:password@host:5672/vhost),
          - nothing accepts connections on localhost:5672 (e.g. `apt-get install rabbitmq-server`, then
            `rabbitmq-server -detached` or `service rabbitmq-server start`; the guest user works from localhost),
          - Docker is not available for Testcontainers (e.g. `docker run -d -p 5672:5672 rabbitmq:3.13`).""");
  }

  /** A plain client connection to the broker, as a non-Reef program would open. */
  public static Connection rawConnection() {
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(uri());
      factory.setAutomaticRecoveryEnabled(false);
      return factory.newConnection("reef-test-raw");
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect to the test broker: " + e.getMessage(), e);
    }
  }

  /** Deletes queues and exchanges (those that do not exist are fine). */
  public static void delete(Collection<String> queues, Collection<String> exchanges) {
    try (Connection connection = rawConnection()) {
      for (String queue : queues) {
        Channel channel = connection.createChannel();
        channel.queueDelete(queue);
        channel.close();
      }
      for (String exchange : exchanges) {
        Channel channel = connection.createChannel();
        channel.exchangeDelete(exchange);
        channel.close();
      }
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("could not clean up the test broker: " + e.getMessage(), e);
    }
  }

  /** True when the queue exists. */
  public static boolean queueExists(String queue) {
    try (Connection connection = rawConnection(); Channel channel = connection.createChannel()) {
      channel.queueDeclarePassive(queue);
      return true;
    } catch (IOException | TimeoutException e) {
      return false;
    }
  }

  private static boolean accepts(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
