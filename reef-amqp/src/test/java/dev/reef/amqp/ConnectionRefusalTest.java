package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reef.Reef;
import dev.reef.ReefException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §4: a URI ending in {@code /} means the default virtual host, and a refused connection names
 * its cause, against the real broker: a wrong password, a virtual host that does not exist, a port
 * nothing listens on. (TLS failures: {@code security.TlsTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionRefusalTest {
  private static final String WRONG_PASSWORD = "not-the-password-" + UUID.randomUUID().toString().substring(0, 6);
  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  /** The test broker's URI with {@code path} (and no query) in place of its own. */
  private static URI withPath(String userInfo, String path) {
    URI broker = URI.create(TestBroker.uri());
    return URI.create(broker.getScheme() + "://" + (userInfo != null ? userInfo : broker.getRawUserInfo()) + "@"
        + broker.getHost() + ":" + (broker.getPort() == -1 ? 5672 : broker.getPort()) + path);
  }

  @Test
  void aUriEndingInASlashConnectsToTheDefaultVirtualHostAsPravalsDefaultUrlDoes() {
    URI broker = URI.create(TestBroker.uri());
    assumeTrue(Uris.virtualHost(broker).equals("/"), "the test broker's URI names another virtual host than '/'");
    URI trailingSlash = withPath(null, "/");
    assertThat(trailingSlash.getRawPath()).isEqualTo("/");

    try (Reef reef = Reef.builder().uri(trailingSlash.toString()).namespace(namespace.namespace())
        .heartbeat(AmqpTestNamespace.HEARTBEAT).build()) {
      Queue<Integer> handled = new ConcurrentLinkedQueue<>();
      reef.channel("main").subscribe("echo", (spore, context) -> {
        handled.add(spore.knowledge().get("n").asInt());
        return null;
      });
      reef.channel("main").send("me", "echo", Map.of("n", 1)).join();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    } finally {
      namespace.alsoDeleteAgent("main", "echo"); // this Reef's backend is not one the namespace made
    }
  }

  @Test
  void aWrongPasswordIsNamedAsBadCredentialsWithoutQuotingIt() {
    String user = Uris.user(URI.create(TestBroker.uri()));
    URI wrong = withPath(user + ":" + WRONG_PASSWORD, "/");

    assertThatThrownBy(() -> AmqpBackend.builder().uri(wrong).namespace(namespace.namespace()).build())
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("refused the login of user '" + user + "'")
        .hasMessageContaining("bad user name or password")
        .hasMessageNotContaining(WRONG_PASSWORD)
        .satisfies(error -> assertThat(causes(error)).doesNotContain(WRONG_PASSWORD));
  }

  @Test
  void aVirtualHostThatDoesNotExistIsNamed() {
    String vhost = "reef-no-such-vhost-" + UUID.randomUUID().toString().substring(0, 8);

    assertThatThrownBy(() -> AmqpBackend.builder().uri(withPath(null, "/" + vhost)).namespace(namespace.namespace())
        .build())
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("virtual host '" + vhost + "'")
        .hasMessageContaining("does not exist");
  }

  @Test
  void aPortNothingListensOnIsNamed() throws Exception {
    int closedPort;
    try (ServerSocket unused = new ServerSocket(0)) {
      closedPort = unused.getLocalPort();
    }
    URI nobody = URI.create("amqp://guest:guest@127.0.0.1:" + closedPort + "/");

    assertThatThrownBy(() -> AmqpBackend.builder().uri(nobody).namespace(namespace.namespace()).build())
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageContaining("nothing is listening there (Connection refused)");
  }

  private static String causes(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      text.append(cause).append('\n');
    }
    return text.toString();
  }
}
