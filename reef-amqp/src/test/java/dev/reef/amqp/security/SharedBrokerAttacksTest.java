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
import dev.reef.ReplayOptions;
import dev.reef.ReplayRefusedException;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.security.KeyRegistry;
import dev.reef.security.SporeSigning;
import dev.reef.spore.Spore;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's attacks 1, 2, 10 and 13 replayed on the security tests' private node by a second broker
 * user, mallory-svc, with a plain client and the broad permissions many brokers give: the Reefs run
 * as alice-svc (requester, operator) and bob-svc (the agents). Each attack must fail: a forged reply
 * never completes a request, a forged dead letter is refused at replay, a reply is never reflected
 * into a queue that is not a reply queue, and a forged attempt count does not skip retries.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SharedBrokerAttacksTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String DEAD_LETTER_KEY = "shared-by-every-reef-of-the-namespace-" + UUID.randomUUID();
  private static SecureBroker broker;

  private final String namespace = "attack-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Reef> reefs = new ArrayList<>();
  private final List<Spore> handled = new CopyOnWriteArrayList<>();
  private final List<Optional<String>> users = new CopyOnWriteArrayList<>();
  @TempDir
  Path directory;

  @BeforeAll
  static void startBroker() {
    broker = SecureBroker.get();
  }

  @AfterEach
  void closeReefsAndDeleteTheNamespace() throws Exception {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    // The node has no management API to list them: these are every durable object the tests make.
    List<String> queues = new ArrayList<>(List.of(namespace + ".dead", namespace + ".retry.20"));
    for (String agent : List.of("victim", "bystander")) {
      queues.add(namespace + ".main." + agent);
      queues.add(namespace + ".main." + agent + ".expired");
    }
    try (Connection guest = rawConnection("guest")) {
      for (String queue : queues) {
        try (Channel channel = guest.createChannel()) {
          channel.queueDelete(queue);
        }
      }
      for (String exchange : List.of(namespace + ".main", namespace + ".dead", namespace + ".retry",
          namespace + ".presence")) {
        try (Channel channel = guest.createChannel()) {
          channel.exchangeDelete(exchange);
        }
      }
    }
  }

  /** A Reef of the namespace logged in as {@code user}, with the AMQP query {@code query}. */
  private Reef reef(String user, String query) {
    return reef(user, query, null);
  }

  private Reef reef(String user, String query, SporeSigning signing) {
    String uri = broker.amqpUri(user) + "/" + (query.isEmpty() ? "" : "?" + query);
    Reef.Builder builder = Reef.builder().uri(uri).namespace(namespace).heartbeat(Duration.ofSeconds(1))
        .drainTimeout(Duration.ofSeconds(2));
    if (signing != null) {
      builder.signing(signing);
    }
    Reef reef = builder.build();
    reefs.add(reef);
    return reef;
  }

  private String keyed() throws Exception {
    Path key = directory.resolve("dead-letter.key");
    if (!Files.exists(key)) {
      Files.writeString(key, DEAD_LETTER_KEY);
    }
    return "dead_letter_key=" + SecureBroker.encode(key.toString());
  }

  // --- attack 1: answering a request first ---

  @Test
  void aReplyForgedByAnotherBrokerUserNeverCompletesTheRequestAndIsCounted() throws Exception {
    Reef bob = reef("bob-svc", "");
    bob.channel("main").subscribe("victim", (spore, ctx) -> {
      Thread.sleep(500); // mallory answers first
      return Map.of("real", true);
    });
    Reef alice = reef("alice-svc", "");

    try (Connection mallory = rawConnection("mallory-svc"); Channel channel = mallory.createChannel()) {
      String tap = channel.queueDeclare().getQueue(); // what `reef tail` may do: read every request to victim
      channel.queueBind(tap, namespace + ".main", "agent.victim.*");
      CompletableFuture<Spore> reply = alice.channel("main").request("client", "victim", Map.of("q", 1),
          Duration.ofSeconds(10));
      GetResponse request = await().atMost(WAIT).until(() -> channel.basicGet(tap, true), response -> response != null);
      String requestId = text(request.getProps().getHeaders(), "spore_id");
      channel.confirmSelect();
      channel.basicPublish("", request.getProps().getReplyTo(), reply("mallory", requestId), "{\"forged\":true}"
          .getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);

      Spore answer = reply.get(10, TimeUnit.SECONDS);

      assertThat(answer.fromAgent()).isEqualTo("victim");
      assertThat(answer.knowledge().get("real").asBoolean()).as("the real reply, not mallory's").isTrue();
      assertThat(count(alice, "reef.replies.rejected")).as("forged replies dropped and counted").isEqualTo(1);
    }
  }

  @Test
  void aReplyForgedInTheAgentsOwnNameIsRejectedWhenRepliesAreSigned() throws Exception {
    KeyPair victimKey = SporeSigning.generateKeyPair();
    KeyRegistry registry = KeyRegistry.of(Map.of("victim", victimKey.getPublic()));
    Reef bob = reef("bob-svc", "", SporeSigning.withKey("victim", victimKey.getPrivate()));
    bob.channel("main").subscribe("victim", (spore, ctx) -> {
      Thread.sleep(500);
      return Map.of("real", true);
    });
    Reef alice = reef("alice-svc", "", SporeSigning.verifyOnly(registry));

    try (Connection mallory = rawConnection("mallory-svc"); Channel channel = mallory.createChannel()) {
      String tap = channel.queueDeclare().getQueue();
      channel.queueBind(tap, namespace + ".main", "agent.victim.*");
      CompletableFuture<Spore> reply = alice.channel("main").request("client", "victim", Map.of("q", 1),
          Duration.ofSeconds(10));
      GetResponse request = await().atMost(WAIT).until(() -> channel.basicGet(tap, true), response -> response != null);
      channel.confirmSelect();
      channel.basicPublish("", request.getProps().getReplyTo(),
          reply("victim", text(request.getProps().getHeaders(), "spore_id")), "{\"forged\":true}".getBytes());
      channel.waitForConfirmsOrDie(5_000);

      assertThat(reply.get(10, TimeUnit.SECONDS).knowledge().get("real").asBoolean()).isTrue();
    }
  }

  // --- attack 2: a forged dead letter ---

  @Test
  void aForgedDeadLetterIsShownUnverifiedAndRefusedAtReplayUnlessForced() throws Exception {
    String keyed = keyed();
    Reef bob = reef("bob-svc", keyed);
    bob.channel("main").subscribe("victim", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, ctx) -> {
          handled.add(spore);
          users.add(ctx.verifiedUserId());
          if (spore.knowledge().has("fail")) {
            throw new IllegalStateException("a genuine failure");
          }
          return null;
        });
    Reef operator = reef("alice-svc", keyed);
    operator.channel("main").send("client", "victim", Map.of("fail", true)).join(); // a genuine dead letter
    await().atMost(WAIT).until(() -> operator.deadLetters().list().size() == 1);

    String forgedId = UUID.randomUUID().toString();
    String sealedId = UUID.randomUUID().toString();
    try (Connection mallory = rawConnection("mallory-svc"); Channel channel = mallory.createChannel()) {
      channel.confirmSelect();
      Map<String, Object> headers = sporeHeaders(forgedId, "knowledge", "admin", "victim");
      headers.put("reef_dead_error", "java.lang.IllegalStateException: timeout");
      headers.put("reef_dead_attempts", "3");
      headers.put("reef_dead_agent", "victim");
      headers.put("reef_dead_channel", "main");
      headers.put("reef_dead_at", Instant.now().toString());
      headers.put("reef_dead_publisher", "alice-svc");
      channel.basicPublish(namespace + ".dead", "main", new AMQP.BasicProperties.Builder().headers(headers)
          .userId("mallory-svc").messageId(forgedId).build(), "{\"transfer\":1000000}".getBytes());
      Map<String, Object> sealed = new HashMap<>(headers);
      sealed.put("spore_id", sealedId);
      sealed.put("reef_dead_seal", "bm90IGEgc2VhbA==");
      channel.basicPublish(namespace + ".dead", "main", new AMQP.BasicProperties.Builder().headers(sealed).build(),
          "{\"transfer\":2000000}".getBytes());
      channel.waitForConfirmsOrDie(5_000);
    }
    handled.clear();

    List<DeadLetter> letters = operator.deadLetters().list();
    assertThat(letters).extracting(DeadLetter::integrity).containsExactly(DeadLetter.Integrity.VERIFIED,
        DeadLetter.Integrity.UNVERIFIED, DeadLetter.Integrity.TAMPERED);
    assertThat(letters.get(0).publisher()).as("the genuine letter's verified publisher").contains("alice-svc");
    assertThat(letters.get(1).publisher()).as("a forged letter's claimed publisher is not shown").isEmpty();
    assertThat(reef("alice-svc", "").deadLetters().list()).as("without the key: written by another user")
        .extracting(DeadLetter::integrity).containsOnly(DeadLetter.Integrity.UNVERIFIED);
    assertThatThrownBy(() -> operator.deadLetters().replay(forgedId).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ReplayRefusedException.class).hasMessageContaining("force");
    assertThatThrownBy(() -> operator.deadLetters().replay(sealedId).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ReplayRefusedException.class).hasMessageContaining("integrity check fails");
    var report = operator.deadLetters().replayAll(ReplayOptions.DEFAULT).get(10, TimeUnit.SECONDS);
    assertThat(report.replayed()).as("only the genuine letter").containsExactly(letters.get(0).id());
    assertThat(report.skipped()).containsOnlyKeys(forgedId, sealedId);
    await().atMost(WAIT).until(() -> handled.size() == 1);
    assertThat(handled.get(0).fromAgent()).isEqualTo("client");

    operator.deadLetters().replay(forgedId, ReplayOptions.DEFAULT.force(true)).get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> handled.size() == 2);
    assertThat(handled.get(1).fromAgent()).isEqualTo("admin"); // a claim anyone can write
    assertThat(users.get(users.size() - 1)).as("forced: re-sent as the operator's own").contains("alice-svc");
  }

  // --- attack 10: a reply reflected into a queue that is not a reply queue ---

  @Test
  void aRequestWhoseReplyAddressIsNotAReplyQueueIsNotAnsweredThereAndIsCounted() throws Exception {
    Reef bob = reef("bob-svc", "");
    bob.channel("main").subscribe("victim", (spore, ctx) -> Map.of("secret", "only for the requester"));
    bob.channel("main").subscribe("bystander", (spore, ctx) -> {
      handled.add(spore);
      return null;
    });
    String bystanderQueue = namespace + ".main.bystander";
    String dead = namespace + ".dead";

    try (Connection mallory = rawConnection("mallory-svc"); Channel channel = mallory.createChannel()) {
      channel.confirmSelect();
      for (String reflectTo : List.of(bystanderQueue, dead)) {
        channel.basicPublish(namespace + ".main", "agent.victim.request", new AMQP.BasicProperties.Builder()
            .headers(sporeHeaders(UUID.randomUUID().toString(), "request", "client", "victim")).replyTo(reflectTo)
            .correlationId("x").build(), "{\"q\":1}".getBytes());
      }
      channel.waitForConfirmsOrDie(5_000);
    }

    await().atMost(WAIT).until(() -> count(bob, "reef.amqp.replies.refused") == 2);
    assertThat(handled).as("what reached the bystander").isEmpty();
    assertThat(bob.channel("main").backlog("bystander")).isZero();
    assertThat(bob.deadLetters().list()).as("what reached the dead letters").isEmpty();
  }

  // --- attack 13: a forged attempt count ---

  @Test
  void aForgedAttemptOrDeliveryCountDoesNotSkipRetries() throws Exception {
    Reef bob = reef("bob-svc", "");
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    List<Optional<String>> publishers = new CopyOnWriteArrayList<>();
    RetryPolicy three = new RetryPolicy(3, Duration.ofMillis(20), 1.0, Duration.ofMillis(20));
    bob.channel("main").subscribe("victim", SubscriptionOptions.builder().retry(three).build(), (spore, ctx) -> {
      attempts.add(ctx.attempt());
      publishers.add(ctx.verifiedUserId());
      throw new IllegalStateException("always fails");
    });

    try (Connection mallory = rawConnection("mallory-svc"); Channel channel = mallory.createChannel()) {
      channel.confirmSelect();
      Map<String, Object> headers = sporeHeaders(UUID.randomUUID().toString(), "knowledge", "client", "victim");
      headers.put("reef_attempt", "99999999");
      headers.put("x-reef-attempt", "99999999");
      headers.put("reef_deliveries", "999");
      headers.put("reef_publisher", "alice-svc");
      headers.put("x-delivery-count", 999);
      channel.basicPublish(namespace + ".main", "agent.victim.knowledge", new AMQP.BasicProperties.Builder()
          .headers(headers).userId("mallory-svc").build(), "{\"n\":1}".getBytes());
      channel.waitForConfirmsOrDie(5_000);
    }

    await().atMost(WAIT).until(() -> bob.deadLetters().list().size() == 1);
    assertThat(attempts).as("attempts the handler saw").containsExactly(1, 2, 3);
    assertThat(publishers).as("the retries are still mallory's, not bob's nor the claimed alice's")
        .containsOnly(Optional.of("mallory-svc"));
    DeadLetter dead = bob.deadLetters().list().get(0);
    assertThat(dead.attempts()).isEqualTo(3);
    assertThat(dead.publisher()).contains("mallory-svc");
  }

  private static double count(Reef reef, String meter) {
    return reef.meterRegistry().find(meter).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static AMQP.BasicProperties reply(String from, String requestId) {
    return new AMQP.BasicProperties.Builder()
        .headers(Map.of("spore_id", UUID.randomUUID().toString(), "spore_type", "response", "from_agent", from,
            "to_agent", "client", "created_at", Instant.now().toString(), "reply_to", requestId, "version", "1.0"))
        .correlationId(requestId).build();
  }

  private static Map<String, Object> sporeHeaders(String id, String type, String from, String to) {
    Map<String, Object> headers = new HashMap<>();
    headers.put("spore_id", id);
    headers.put("spore_type", type);
    headers.put("from_agent", from);
    headers.put("to_agent", to);
    headers.put("created_at", Instant.now().toString());
    headers.put("version", "1.0");
    return headers;
  }

  private static String text(Map<String, Object> headers, String name) {
    return String.valueOf(headers.get(name));
  }

  private static Connection rawConnection(String user) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(broker.amqpUri(user));
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("reef-attack-" + user);
  }
}
