package dev.reef.amqp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker permissions that docs/security.md recommends, on the security tests' private node: a
 * Reef user may use everything of its namespace and the default exchange, and Reef works entirely
 * under them (requests, retries, dead letters, replays, presence, observing); any other user of the
 * virtual host can neither read a request, nor put anything into a reply queue or the dead letters.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BrokerPermissionsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static SecureBroker broker;

  private final String namespace = "perm-" + UUID.randomUUID().toString().substring(0, 8);
  private final String reefUser = namespace + "-reef";
  private final String otherUser = namespace + "-eve";
  private final String password = UUID.randomUUID().toString();
  private final List<Reef> reefs = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    broker = SecureBroker.get();
  }

  @BeforeEach
  void createUsers() {
    String ns = "^" + namespace.replace("-", "\\-") + "\\.";
    ctl("add_user", reefUser, password);
    ctl("set_permissions", "-p", "/", reefUser, ns, "^(" + namespace.replace("-", "\\-") + "\\..*|amq\\.default)$", ns);
    ctl("add_user", otherUser, password);
    String own = "^" + otherUser.replace("-", "\\-") + "\\.";
    ctl("set_permissions", "-p", "/", otherUser, own, own, own);
  }

  @AfterEach
  void closeAndDelete() throws Exception {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    try (Connection guest = connection("guest", "guest")) {
      for (String queue : List.of(".dead", ".retry.20", ".main.worker", ".main.worker.expired")) {
        try (Channel channel = guest.createChannel()) {
          channel.queueDelete(namespace + queue);
        }
      }
      for (String exchange : List.of(".main", ".dead", ".retry", ".presence")) {
        try (Channel channel = guest.createChannel()) {
          channel.exchangeDelete(namespace + exchange);
        }
      }
    }
    ctl("delete_user", reefUser);
    ctl("delete_user", otherUser);
  }

  private void ctl(String... args) {
    broker.node().rabbitmqctl(args);
  }

  private Reef reef() {
    Reef reef = Reef.builder()
        .uri("amqp://" + reefUser + ":" + password + "@127.0.0.1:" + broker.amqpPort() + "/")
        .namespace(namespace).heartbeat(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(2)).build();
    reefs.add(reef);
    return reef;
  }

  private static Connection connection(String user, String password) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri("amqp://" + user + ":" + password + "@127.0.0.1:" + broker.amqpPort());
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("reef-permissions-" + user);
  }

  @Test
  void reefWorksUnderTheRecommendedPermissionsAndOtherUsersReachNothingOfTheNamespace() throws Exception {
    Reef agents = reef();
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    RetryPolicy twice = new RetryPolicy(2, Duration.ofMillis(20), 1.0, Duration.ofMillis(20));
    agents.channel("main").subscribe("worker", SubscriptionOptions.builder().retry(twice).build(), (spore, ctx) -> {
      if (spore.knowledge().has("fail")) {
        attempts.add(ctx.attempt());
        throw new IllegalStateException("fails on purpose");
      }
      return Map.of("ok", true);
    });
    Reef client = reef();
    List<Spore> seen = new CopyOnWriteArrayList<>();
    client.channel("main").observe((channel, spore) -> seen.add(spore));
    await().atMost(WAIT).until(() -> client.directory().onlineAgents("main").contains("worker"));

    Spore reply = client.channel("main").request("client", "worker", Map.of("q", 1), WAIT).join();
    client.channel("main").send("client", "worker", Map.of("fail", true)).join();
    await().atMost(WAIT).until(() -> client.deadLetters().list().size() == 1);
    DeadLetter dead = client.deadLetters().list().get(0);
    client.deadLetters().replay(dead.id()).get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> attempts.size() == 4); // the replay fails again, and is retried

    assertThat(reply.knowledge().get("ok").asBoolean()).isTrue();
    assertThat(dead.integrity()).isEqualTo(DeadLetter.Integrity.VERIFIED);
    assertThat(attempts).as("attempts, retries and the replay included").containsExactly(1, 2, 1, 2);
    await().atMost(WAIT).until(() -> seen.size() >= 3); // the request, the send and the replay

    String replyQueue = replyQueueOf(client);
    try (Connection eve = connection(otherUser, password)) {
      Channel tapping = eve.createChannel();
      String tap = tapping.queueDeclare(otherUser + ".tap", false, true, true, null).getQueue();
      assertThatThrownBy(() -> tapping.queueBind(tap, namespace + ".main", "agent.worker.*"))
          .as("reading the requests to an agent").hasStackTraceContaining("ACCESS_REFUSED");
      for (String[] target : new String[][] {{"", replyQueue}, {"", namespace + ".dead"}, {namespace + ".dead", ""},
          {namespace + ".main", "agent.worker.knowledge"}}) {
        Channel publishing = eve.createChannel();
        publishing.confirmSelect();
        publishing.basicPublish(target[0], target[1], new AMQP.BasicProperties.Builder()
            .headers(Map.of("spore_id", UUID.randomUUID().toString(), "spore_type", "response", "from_agent", "worker",
                "created_at", Instant.now().toString())).build(), "{}".getBytes());
        assertThatThrownBy(() -> publishing.waitForConfirmsOrDie(5_000))
            .as("publishing to exchange '%s' with key '%s'", target[0], target[1])
            .hasStackTraceContaining("ACCESS_REFUSED");
      }
    }
  }

  /** A reply queue of {@code reef}, learnt as any reader of its requests would: from one request. */
  private String replyQueueOf(Reef reef) throws Exception {
    AtomicReference<String> address = new AtomicReference<>();
    try (Connection reefConnection = connection(reefUser, password); Channel channel = reefConnection.createChannel()) {
      String tap = channel.queueDeclare(namespace + ".reply.observer-" + UUID.randomUUID(), false, true, true, null)
          .getQueue();
      channel.queueBind(tap, namespace + ".main", "agent.worker.*");
      reef.channel("main").request("client", "worker", Map.of("q", 2), WAIT).join();
      await().atMost(WAIT).until(() -> {
        var response = channel.basicGet(tap, true);
        if (response != null) {
          address.set(response.getProps().getReplyTo());
        }
        return address.get() != null;
      });
    }
    return address.get();
  }
}
