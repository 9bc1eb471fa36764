package dev.reef.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds the RabbitMQ broker that {@link TestBackend#AMQP} tests run on, once per JVM, in this order:
 * the environment variable {@code REEF_AMQP_URI}; a broker listening on {@code localhost:5672}
 * (logging in as {@code guest}); a RabbitMQ container started with Testcontainers, when {@code
 * org.testcontainers:testcontainers} is on the test class path and Docker is available. With none of
 * them, it fails and says how to get one: a test that needs a broker never passes by being skipped.
 */
public final class TestBrokers {
  /** The environment variable that names the broker. */
  public static final String ENV = "REEF_AMQP_URI";
  static final String LOCALHOST_URI = "amqp://guest:guest@localhost:5672";
  private static final int CONNECT_TIMEOUT_MS = 500;

  private static String found; // guarded by TestBrokers.class

  private TestBrokers() {}

  /**
   * The broker's URI (it may carry a password: do not print it).
   *
   * @throws IllegalStateException when no broker can be found, saying how to get one
   */
  public static synchronized String amqpUri() {
    if (found == null) {
      found = find(System::getenv, TestBrokers::localhostListens, RabbitContainer::startIfPossible);
    }
    return found;
  }

  /** The search itself, with its three sources given, so that it can be tested. */
  static String find(Function<String, String> environment, Supplier<Boolean> localhostListens,
      Supplier<Optional<String>> container) {
    String fromEnvironment = environment.apply(ENV);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.trim();
    }
    if (localhostListens.get()) {
      return LOCALHOST_URI;
    }
    return container.get().orElseThrow(() -> new IllegalStateException(howToGetABroker()));
  }

  static String howToGetABroker() {
    return """
        This test needs a RabbitMQ broker (@ReefTest(backend = AMQP)), and none was found:
          - the environment variable REEF_AMQP_URI is not set (e.g. amqp://user:password@host:5672/vhost);
          - nothing listens on localhost:5672 (install and start one: `apt-get install rabbitmq-server`,
            then `service rabbitmq-server start`; the guest user may log in from localhost);
          - no container could be started: that needs org.testcontainers:testcontainers on the test class
            path and a running Docker (`docker run -d -p 5672:5672 rabbitmq:3.13` works too).""";
  }

  private static boolean localhostListens() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("localhost", 5672), CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
