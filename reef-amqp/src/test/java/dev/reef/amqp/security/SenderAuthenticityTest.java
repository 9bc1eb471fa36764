package dev.reef.amqp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.Subscription;
import dev.reef.amqp.AmqpBackend;
import dev.reef.security.KeyRegistry;
import dev.reef.security.SporeSigning;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who sent a spore, on RabbitMQ: the broker-verified {@code user_id} of the publishing connection,
 * and Ed25519 signatures that catch a forged {@code from_agent} or a changed spore. Runs on the
 * security tests' private node, which has a user per party (alice-svc, bob-svc, mallory-svc).
 */
class SenderAuthenticityTest {
  private static final KeyPair ALICE = SporeSigning.generateKeyPair();
  private static final KeyPair BOB = SporeSigning.generateKeyPair();
  private static final KeyPair MALLORY = SporeSigning.generateKeyPair();
  private static final KeyRegistry REGISTRY = KeyRegistry.of(Map.of("alice", ALICE.getPublic(), "bob", BOB.getPublic()));
  private static SecureBroker broker;

  private final String namespace = "auth-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Reef> reefs = new ArrayList<>();
  private final List<Spore> handled = new CopyOnWriteArrayList<>();
  private final List<Optional<String>> users = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startBroker() {
    broker = SecureBroker.get();
  }

  @AfterEach
  void closeReefs() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
  }

  private Reef reef(String user, SporeSigning signing) {
    Reef.Builder builder = Reef.builder()
        .backend(AmqpBackend.builder().uri(broker.amqpUri(user)).namespace(namespace).build())
        .heartbeat(Duration.ofSeconds(1))
        .drainTimeout(Duration.ofSeconds(2));
    if (signing != null) {
      builder.signing(signing);
    }
    Reef reef = builder.build();
    reefs.add(reef);
    return reef;
  }

  private Subscription record(Reef reef, String agent) {
    return reef.channel("main").subscribe(agent, (spore, ctx) -> {
      users.add(ctx.verifiedUserId());
      handled.add(spore);
      return null;
    });
  }

  // --- the broker-verified user ---

  @Test
  void theHandlerLearnsWhichBrokerUserSentTheSpore() {
    Reef bob = reef("bob-svc", null);
    record(bob, "bob");
    Spore sent = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("n", 1)).build();

    reef("alice-svc", null).channel("main").send(sent).join();

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
    assertThat(users).containsExactly(Optional.of("alice-svc"));
    assertThat(handled).as("the spore itself is as sent: the user travels beside it").containsExactly(sent);
  }

  @Test
  void noPublisherCanClaimAnotherUserAndNoHeaderCountsAsOne() throws Exception {
    Reef bob = reef("bob-svc", null);
    record(bob, "bob");
    String queue = namespace + ".main.bob";

    try (Connection mallory = rawConnection("mallory-svc")) {
      Channel channel = mallory.createChannel();
      channel.confirmSelect();
      channel.basicPublish("", queue, sporeMessage("alice", "bob").userId("alice-svc").build(), "{}".getBytes());
      assertThatThrownBy(() -> channel.waitForConfirmsOrDie(5_000))
          .hasStackTraceContaining("PRECONDITION_FAILED")
          .hasStackTraceContaining("user_id property set to 'alice-svc' but authenticated user was 'mallory-svc'");

      // What a sender may write, it may write: headers and metadata claiming a user count for nothing.
      Channel second = mallory.createChannel();
      second.confirmSelect();
      Map<String, Object> claims = new HashMap<>(sporeHeaders("alice", "bob"));
      claims.put("user_id", "alice-svc");
      claims.put("metadata", "{\"user_id\":\"alice-svc\"}");
      second.basicPublish("", queue, new AMQP.BasicProperties.Builder().headers(claims).build(), "{}".getBytes());
      second.waitForConfirmsOrDie(5_000);
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
    assertThat(users).as("the refused publish never arrived; the other has no verified user").containsExactly(
        Optional.empty());
    assertThat(handled.get(0).fromAgent()).isEqualTo("alice"); // a claim anyone can write, hence signing
  }

  @Test
  void aMessageFromAnotherUserThatIsNoSporeIsDeadLetteredAndTheConsumerGoesOn() throws Exception {
    Reef bob = reef("bob-svc", null);
    record(bob, "bob");
    String queue = namespace + ".main.bob";

    try (Connection mallory = rawConnection("mallory-svc")) {
      Channel channel = mallory.createChannel();
      channel.confirmSelect();
      // Her own user id, which the broker accepts: Reef's copy to the dead letters must not reuse it.
      channel.basicPublish("", queue, sporeMessage("mallory", "bob").userId("mallory-svc").build(),
          "not json".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
    }
    reef("alice-svc", null).channel("main").send("alice", "bob", Map.of("after", true)).join();

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
    assertThat(bob.deadLetters().list()).singleElement()
        .satisfies(letter -> assertThat(letter.error()).contains("body is not JSON"));
    assertThat(users).containsExactly(Optional.of("alice-svc"));
    assertThat(bob.stats().sendFailures()).isZero();
  }

  // --- signatures ---

  @Test
  void signedSporesAndRepliesPassAndAreHandledAsSent() {
    Reef bob = reef("bob-svc", SporeSigning.withKey("bob", BOB.getPrivate()).verifyWith(REGISTRY));
    bob.channel("main").subscribe("bob", (spore, ctx) -> {
      handled.add(spore);
      return Map.of("seen", spore.knowledge().get("n").asInt());
    });
    Reef alice = reef("alice-svc", SporeSigning.withKey("alice", ALICE.getPrivate()).verifyWith(REGISTRY));
    Spore sent = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("n", 1)).build();

    alice.channel("main").send(sent).join();
    Spore reply = alice.channel("main").request("alice", "bob", Map.of("n", 2), Duration.ofSeconds(10)).join();

    assertThat(reply.knowledge().get("seen").asInt()).isEqualTo(2);
    assertThat(reply.metadata().has(SporeSigning.METADATA_KEY)).as("a verified reply, as bob made it").isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 2);
    assertThat(handled).contains(sent);
    assertThat(rejected(bob, null) + rejected(alice, null)).isZero();
  }

  @Test
  void aForgedFromAgentIsCaughtDeadLetteredAndCounted() {
    Reef bob = reef("bob-svc", SporeSigning.verifyOnly(REGISTRY));
    record(bob, "bob");
    // Mallory has a key, but not alice's: she signs "as alice" with her own.
    Reef mallory = reef("mallory-svc", SporeSigning.withKey("alice", MALLORY.getPrivate()));
    Reef careless = reef("mallory-svc", null);

    mallory.channel("main").send("alice", "bob", Map.of("pay", "mallory", "amount", 1_000)).join();
    careless.channel("main").send("alice", "bob", Map.of("pay", "mallory", "amount", 2_000)).join();

    await().atMost(Duration.ofSeconds(10)).until(() -> bob.deadLetters().list().size() == 2);
    List<DeadLetter> letters = bob.deadLetters().list();
    assertThat(letters).extracting(DeadLetter::agent).containsOnly("bob");
    assertThat(letters).extracting(DeadLetter::error).anySatisfy(error ->
        assertThat(error).startsWith("rejected: ").contains("not signed by agent 'alice'"));
    assertThat(letters).extracting(DeadLetter::error).anySatisfy(error -> assertThat(error).contains("is not signed"));
    assertThat(rejected(bob, "bad_signature")).isEqualTo(1);
    assertThat(rejected(bob, "unsigned")).isEqualTo(1);
    assertThat(handled).isEmpty();
  }

  @Test
  void knowledgeChangedOnTheWayIsCaught() throws Exception {
    Reef bob = reef("bob-svc", SporeSigning.verifyOnly(REGISTRY));
    bob.channel("main").subscribe("inbox", (spore, ctx) -> null).close(); // the queue waits while offline
    Reef alice = reef("alice-svc", SporeSigning.withKey("alice", ALICE.getPrivate()));
    alice.channel("main").send("alice", "inbox", Map.of("pay", "bob", "amount", 100)).join();
    String queue = namespace + ".main.inbox";

    try (Connection mallory = rawConnection("mallory-svc"); Channel channel = mallory.createChannel()) {
      GetResponse original = channel.basicGet(queue, true);
      assertThat(original).as("alice's spore waiting in the queue").isNotNull();
      String body = new String(original.getBody(), StandardCharsets.UTF_8);
      assertThat(body).contains("\"amount\":100");
      byte[] tampered = body.replace("\"pay\":\"bob\"", "\"pay\":\"mallory\"").getBytes(StandardCharsets.UTF_8);
      channel.confirmSelect();
      channel.basicPublish("", queue, original.getProps().builder().userId(null).build(), tampered);
      channel.waitForConfirmsOrDie(5_000);
    }
    record(bob, "inbox");

    await().atMost(Duration.ofSeconds(10)).until(() -> rejected(bob, "bad_signature") == 1);
    assertThat(bob.deadLetters().list()).singleElement().satisfies(letter -> {
      assertThat(letter.error()).contains("does not match");
      assertThat(letter.spore().orElseThrow().knowledge().get("pay").asText()).isEqualTo("mallory");
    });
    assertThat(handled).isEmpty();
  }

  @Test
  void withoutVerificationNothingChanges() {
    Reef bob = reef("bob-svc", null);
    record(bob, "bob");
    Spore plain = Spore.builder(SporeType.KNOWLEDGE).from("carol").to("bob").knowledge(Map.of("n", 1)).build();

    reef("alice-svc", null).channel("main").send(plain).join();
    reef("alice-svc", SporeSigning.withKey("alice", ALICE.getPrivate())).channel("main")
        .send("alice", "bob", Map.of("n", 2)).join();

    await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 2);
    assertThat(handled).contains(plain);
    assertThat(handled).filteredOn(spore -> spore.fromAgent().equals("alice")).singleElement()
        .satisfies(signed -> assertThat(signed.metadata().getString(SporeSigning.METADATA_KEY)).startsWith("ed25519:"));
    assertThat(bob.meterRegistry().find(SporeSigning.REJECTED_METER).counters()).isEmpty();
  }

  private static double rejected(Reef reef, String reason) {
    var search = reef.meterRegistry().find(SporeSigning.REJECTED_METER);
    if (reason != null) {
      search = search.tag("reason", reason);
    }
    return search.counters().stream().mapToDouble(Counter::count).sum();
  }

  private static Connection rawConnection(String user) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(broker.amqpUri(user));
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("reef-test-" + user);
  }

  /** The headers of a well-formed knowledge spore, as a non-Reef publisher would write them (SPEC §4). */
  private static Map<String, Object> sporeHeaders(String from, String to) {
    Map<String, Object> headers = new HashMap<>();
    headers.put("spore_id", UUID.randomUUID().toString());
    headers.put("spore_type", "knowledge");
    headers.put("from_agent", from);
    headers.put("to_agent", to);
    headers.put("created_at", Instant.now().toString());
    headers.put("version", "1.0");
    return headers;
  }

  private static AMQP.BasicProperties.Builder sporeMessage(String from, String to) {
    return new AMQP.BasicProperties.Builder().headers(sporeHeaders(from, to));
  }
}
