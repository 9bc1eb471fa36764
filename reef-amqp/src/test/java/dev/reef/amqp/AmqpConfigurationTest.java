package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.spore.Spore;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Choosing and configuring the AMQP backend: URIs, several addresses, queue types, secrets kept out of messages. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AmqpConfigurationTest {
  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  @Test
  void anAmqpUriSelectsThisBackendThroughTheServiceLoader() {
    Reef reef = Reef.builder().uri(TestBroker.uri() + "?queue_type=classic&max_queue_length=1000")
        .namespace(namespace.namespace()).build();
    try {
      Queue<Spore> handled = new ConcurrentLinkedQueue<>();
      reef.channel("main").subscribe("echo", (spore, context) -> {
        handled.add(spore);
        return null;
      });
      reef.channel("main").send("me", "echo", Map.of("hello", "reef")).join();
      await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    } finally {
      reef.close();
      namespace.alsoDeleteAgent("main", "echo"); // this Reef's backend is not one the namespace made
    }
  }

  @Test
  void severalBrokerAddressesAreTriedInTurn() throws Exception {
    URI broker = URI.create(TestBroker.uri());
    int closedPort;
    try (ServerSocket unused = new ServerSocket(0)) {
      closedPort = unused.getLocalPort();
    }
    String host = broker.getHost();
    int port = broker.getPort() == -1 ? 5672 : broker.getPort();
    // The client shuffles the list; whichever it tries first, it ends on the live node.
    AmqpBackend backend = namespace.backend(builder -> builder.set(AmqpOption.ADDRESSES,
        List.of(host + ":" + closedPort, host + ":" + port)));
    assertThat(backend.namespace()).isEqualTo(namespace.namespace());
    assertThat(backend.isConnected()).isTrue();
  }

  @Test
  void quorumQueuesCarrySporesToo() {
    Reef reef = namespace.reef(builder -> builder.set(AmqpOption.QUEUE_TYPE, QueueType.QUORUM));
    Queue<Integer> handled = new ConcurrentLinkedQueue<>();
    reef.channel("replicated").subscribe("keeper", (spore, context) -> {
      handled.add(spore.knowledge().get("n").asInt());
      return null;
    });
    for (int i = 0; i < 3; i++) {
      reef.channel("replicated").send("me", "keeper", Map.of("n", i)).join();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
    assertThat(handled).containsExactly(0, 1, 2);
  }

  @Test
  void passwordsNeverAppearInMessages() {
    assertThat(Uris.mask(URI.create("amqps://agent:s3cret@rabbit:5671/prod?keystore_password=hunter2&queue_type=quorum")))
        .isEqualTo("amqps://agent:***@rabbit:5671/prod?keystore_password=***&queue_type=quorum");
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqp://agent:s3cret@localhost:1/?bogus=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown query parameter 'bogus'")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqp://agent:s3cret@127.0.0.1:1/")
        .set(AmqpOption.CONNECTION_NAME, "unreachable").build())
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("amqp://agent:***@127.0.0.1:1/")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void invalidSettingsFailNamingTheSetting() {
    assertThatThrownBy(() -> AmqpBackend.builder().uri("http://localhost"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amqp://");
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqp://localhost?queue_type=stream").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown queue type 'stream'");
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqp://localhost?max_queue_length=many").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_queue_length");
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqp://localhost")
        .set(AmqpOption.CA_CERTIFICATES, Path.of("ca.pem")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amqps://");
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqps://localhost")
        .set(AmqpOption.CA_CERTIFICATES, Path.of("no-such-ca.pem")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-ca.pem");
    assertThatThrownBy(() -> AmqpBackend.builder().namespace("bad.name"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
    assertThatThrownBy(() -> AmqpBackend.builder().set(AmqpOption.MAX_QUEUE_LENGTH, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_queue_length");
    Reef reef = namespace.reef();
    assertThatThrownBy(() -> reef.channel("dead").send("a", "b", Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
  }
}
