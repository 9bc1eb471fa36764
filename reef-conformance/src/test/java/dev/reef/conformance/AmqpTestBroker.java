package dev.reef.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The RabbitMQ broker the AMQP runs of the suite use, found once per JVM in this order: the
 * environment variable {@code REEF_AMQP_URI}; a broker on {@code localhost:5672} (guest/guest); a
 * Testcontainers RabbitMQ when Docker is available. With none of them the AMQP runs fail, saying how
 * to get one: they are never skipped.
 */
final class AmqpTestBroker {
  static final String ENV = "REEF_AMQP_URI";
  private static final String LOCAL = "amqp://guest:guest@localhost:5672";
  private static final String IMAGE = "rabbitmq:3.13-management";
  private static final int CONNECT_TIMEOUT_MILLIS = 500;
  private static String uri; // guarded by the class

  private AmqpTestBroker() {}

  /** The broker's URI (it may hold a password: never log it), starting a container if that is the only way. */
  static synchronized String uri() {
    if (uri == null) {
      uri = find();
    }
    return uri;
  }

  private static String find() {
    String fromEnvironment = System.getenv(ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.trim();
    }
    if (accepts("localhost", 5672)) {
      return LOCAL;
    }
    if (dockerAvailable()) {
      RabbitMQContainer container = new RabbitMQContainer(IMAGE);
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-rabbitmq-container"));
      return "amqp://" + container.getAdminUsername() + ":" + container.getAdminPassword() + "@"
          + container.getHost() + ":" + container.getAmqpPort();
    }
    throw new IllegalStateException("""
        The AMQP runs of the conformance suite need a RabbitMQ broker, and none was found:
          - the environment variable REEF_AMQP_URI is not set (e.g. amqp://user:password@host:5672/vhost),
          - nothing accepts connections on localhost:5672 (e.g. `apt-get install rabbitmq-server`, then
            `rabbitmq-server -detached` or `service rabbitmq-server start`; the guest user works from localhost),
          - Docker is not available for Testcontainers (e.g. `docker run -d -p 5672:5672 rabbitmq:3.13`).""");
  }

  private static boolean accepts(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
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
