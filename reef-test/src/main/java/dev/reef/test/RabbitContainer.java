package dev.reef.test;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A RabbitMQ container for the whole JVM, through Testcontainers' core API only (the same in its 1.x
 * and 2.x lines), which users may or may not have: nothing here is loaded unless it is on the class
 * path.
 */
final class RabbitContainer {
  private static final Logger LOG = LoggerFactory.getLogger(RabbitContainer.class);
  private static final String IMAGE = "rabbitmq:3.13";
  private static final int AMQP_PORT = 5672;

  private RabbitContainer() {}

  /** The URI of a started container; empty when Testcontainers is absent or Docker is not available. */
  static Optional<String> startIfPossible() {
    try {
      Class.forName("org.testcontainers.DockerClientFactory", false, RabbitContainer.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
    return Started.uri();
  }

  /** Loaded only once Testcontainers is known to be there. */
  private static final class Started {
    static Optional<String> uri() {
      boolean docker;
      try {
        docker = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("Testcontainers cannot tell whether Docker is available: {}", e.toString());
        docker = false;
      }
      if (!docker) {
        return Optional.empty();
      }
      GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
          .withExposedPorts(AMQP_PORT)
          .waitingFor(Wait.forLogMessage(".*Server startup complete.*\\n", 1));
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "reef-test-stop-rabbitmq"));
      LOG.info("started RabbitMQ in Docker ({}) for the tests", IMAGE);
      // The official image lets guest log in from outside the container (loopback_users.guest = false).
      return Optional.of("amqp://guest:guest@" + container.getHost() + ":" + container.getMappedPort(AMQP_PORT));
    }
  }
}
