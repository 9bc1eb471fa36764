package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.ReplayOptions;
import dev.reef.ReplayRefusedException;
import dev.reef.ReplayReport;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.UnknownDestinationException;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dead-letter ids and replays in one pass, agents' backlogs, reply addresses and the namespace's
 * broker objects, on the test broker (whose management API {@code bin/ensure-broker} enables).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayBacklogAndAdminTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private AmqpTestNamespace namespace;
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final List<Spore> handled = new CopyOnWriteArrayList<>();

  @BeforeEach
  void openNamespace() {
    namespace = new AmqpTestNamespace();
  }

  @AfterEach
  void deleteNamespace() {
    namespace.close();
  }

  private void flaky(Reef reef, String agent) {
    reef.channel("main").subscribe(agent, SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, ctx) -> {
          if (failing.get()) {
            throw new IllegalStateException("down");
          }
          handled.add(spore);
          return Map.of("ok", true);
        });
  }

  @Test
  void aBroadcastDeadLetteredByTwoAgentsHasTwoIdsAndEachReplaysToItsAgentOnly() {
    Reef reef = namespace.reef();
    flaky(reef, "left");
    flaky(reef, "right");
    Spore broadcast = Spore.builder(SporeType.BROADCAST).from("crier").knowledge(Map.of("n", 1)).build();
    reef.channel("main").broadcast(broadcast).join();
    await().atMost(WAIT).until(() -> reef.deadLetters().list().size() == 2);

    List<DeadLetter> letters = reef.deadLetters().list();
    DeadLetter first = letters.get(0);
    DeadLetter second = letters.get(1);
    assertThat(first.id()).as("the first goes by its spore id").isEqualTo(broadcast.id());
    assertThat(second.id()).as("the second by spore id and agent").isEqualTo(broadcast.id() + "@" + second.agent());
    assertThat(List.of(first.agent(), second.agent())).containsExactlyInAnyOrder("left", "right");

    failing.set(false);
    reef.deadLetters().replay(second.id()).orTimeout(5, TimeUnit.SECONDS).join();
    await().atMost(WAIT).until(() -> handled.size() == 1);
    assertThat(reef.deadLetters().list()).extracting(DeadLetter::id).containsExactly(first.id());
    reef.deadLetters().replay(first.id()).orTimeout(5, TimeUnit.SECONDS).join();
    await().atMost(WAIT).until(() -> handled.size() == 2);
    assertThat(reef.deadLetters().list()).isEmpty();
  }

  @Test
  void replayAllSendsBackWhatItCanInOnePassAndReportsWhatStays() {
    Reef reef = namespace.reef();
    flaky(reef, "flaky");
    Reef requester = namespace.reef();
    requester.channel("main").request("client", "flaky", Map.of("q", 1), Duration.ofSeconds(5))
        .handle((ok, error) -> error).orTimeout(10, TimeUnit.SECONDS).join();
    requester.close();
    Spore expiring = Spore.builder(SporeType.KNOWLEDGE).from("client").to("flaky").knowledge(Map.of("n", 2))
        .expiresAt(Instant.now().plusMillis(300)).build();
    reef.channel("main").send(expiring).join();
    Spore fine = Spore.builder(SporeType.KNOWLEDGE).from("client").to("flaky").knowledge(Map.of("n", 3)).build();
    reef.channel("main").send(fine).join();
    await().atMost(WAIT).until(() -> reef.deadLetters().list().size() == 3);
    await().atMost(WAIT).until(() -> expiring.isExpiredAt(Instant.now()));
    DeadLetter request = reef.deadLetters().list().get(0);
    assertThat(request.replyAddress()).as("a request's dead letter keeps its reply address").isPresent();
    assertThat(request.publisher()).as("and its broker-verified publisher").contains("guest");
    failing.set(false);

    ReplayReport report = reef.deadLetters().replayAll(ReplayOptions.DEFAULT).orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(report.replayed()).containsExactly(fine.id());
    assertThat(report.skipped()).containsOnlyKeys(request.id(), expiring.id());
    assertThat(report.skipped().get(expiring.id())).contains("expired at");
    assertThat(report.skipped().get(request.id())).contains("no longer listens");
    await().atMost(WAIT).until(() -> handled.size() == 1);
    assertThat(handled.get(0).id()).isEqualTo(fine.id());
    assertThat(reef.deadLetters().list()).as("what was skipped stays, in its order")
        .extracting(DeadLetter::id).containsExactly(request.id(), expiring.id());
    assertThatThrownBy(() -> reef.deadLetters().replay(expiring.id()).join())
        .hasCauseInstanceOf(ReplayRefusedException.class);
  }

  @Test
  void aReplyAddressIsOpenWhileItsRequesterListensAndOnlyReplyQueuesQualify() {
    ReplyEndpoint endpoint = namespace.backend().openReplyEndpoint((reply, user) -> {});
    AmqpBackend other = namespace.backend();
    String ns = namespace.namespace();

    assertThat(other.isReplyAddressOpen(endpoint.address())).as("another connection's live reply queue").isTrue();
    assertThat(other.isReplyAddressOpen(ns + ".main.echo")).as("an agent's queue").isFalse();
    assertThat(other.isReplyAddressOpen(ns + ".dead")).as("the dead letters").isFalse();
    assertThat(other.isReplyAddressOpen(ns + ".reply.00000000-0000-0000-0000-000000000000")).as("no such queue")
        .isFalse();
    endpoint.close();
    assertThat(other.isReplyAddressOpen(endpoint.address())).as("once its requester closed it").isFalse();
  }

  @Test
  void theBacklogCountsWhatWaitsForAnAgentAndAnUnknownAgentHasNone() {
    Reef reef = namespace.reef();
    reef.channel("main").subscribe("sleepy", (spore, ctx) -> null).close();
    for (int i = 0; i < 7; i++) {
      reef.channel("main").send("client", "sleepy", Map.of("n", i)).join();
    }

    assertThat(reef.channel("main").backlog("sleepy")).isEqualTo(7);
    assertThatThrownBy(() -> reef.channel("main").backlog("nobody")).isInstanceOf(UnknownDestinationException.class);
    assertThat(namespace.backendOf(reef).messagingSystem()).isEqualTo("rabbitmq");
  }

  @Test
  void aNamespaceListsAndDeletesItsObjectsThroughTheManagementApi() {
    Reef reef = namespace.reef();
    reef.channel("main").subscribe("alice", (spore, ctx) -> null);
    reef.channel("side").subscribe("bob", (spore, ctx) -> null);
    String ns = namespace.namespace();

    assertThat(reef.admin().objects()).contains(ns + ".main", ns + ".main.alice", ns + ".side", ns + ".side.bob")
        .allSatisfy(name -> assertThat(name).startsWith(ns + "."));
    assertThat(reef.admin().delete()).isGreaterThanOrEqualTo(4);

    Reef fresh = namespace.reef();
    assertThat(fresh.admin().objects()).doesNotContain(ns + ".main", ns + ".main.alice", ns + ".side.bob");
  }

  @Test
  void anUnreachableManagementApiFailsNamingTheOption() {
    AmqpBackend backend = namespace.backend(builder -> builder.set(AmqpOption.MANAGEMENT_URI,
        URI.create("http://127.0.0.1:1")));

    assertThatThrownBy(backend::namespaceObjects).isInstanceOf(ReefException.class)
        .hasMessageContaining("management_uri").hasMessageContaining("http://127.0.0.1:1");
  }
}
