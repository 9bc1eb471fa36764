package dev.reef.inmemory.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.ReplayOptions;
import dev.reef.ReplayRefusedException;
import dev.reef.ReplayReport;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.UnknownDestinationException;
import dev.reef.inmemory.InMemoryBroker;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dead-letter replays that refuse what cannot succeed, agents' backlogs and namespace deletion, in memory. */
class ReplayBacklogAndAdminTest {
  private final InMemoryBroker broker = InMemoryBroker.create();
  private final List<Reef> reefs = new ArrayList<>();
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final List<Spore> handled = new CopyOnWriteArrayList<>();

  private Reef reef() {
    Reef reef = Reef.builder().backend(broker.connect("reef")).drainTimeout(Duration.ofSeconds(2)).build();
    reefs.add(reef);
    return reef;
  }

  @AfterEach
  void close() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    broker.close();
  }

  private Reef withFlakyAgent() {
    Reef reef = reef();
    reef.channel("main").subscribe("flaky", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, ctx) -> {
          if (failing.get()) {
            throw new IllegalStateException("down");
          }
          handled.add(spore);
          return Map.of("ok", true);
        });
    return reef;
  }

  @Test
  void aDeadLetterIsFoundByItsSporeIdAndReplayedOnce() {
    Reef reef = withFlakyAgent();
    Spore sent = Spore.builder(SporeType.KNOWLEDGE).from("client").to("flaky").knowledge(Map.of("n", 1)).build();
    reef.channel("main").send(sent).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> reef.deadLetters().list().size() == 1);

    DeadLetter letter = reef.deadLetters().find(sent.id()).orElseThrow();
    assertThat(letter.id()).isEqualTo(sent.id());
    failing.set(false);
    reef.deadLetters().replay(sent.id()).orTimeout(5, TimeUnit.SECONDS).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    assertThat(handled.get(0)).isEqualTo(sent);
    assertThat(reef.deadLetters().list()).isEmpty();
  }

  @Test
  void aRequestWhoseRequesterIsGoneAndAnExpiredSporeAreRefusedWithTheReasonAndStay() {
    Reef reef = withFlakyAgent();
    Reef requester = reef();
    requester.channel("main").request("client", "flaky", Map.of("q", 1), Duration.ofSeconds(5))
        .handle((ok, error) -> error).orTimeout(10, TimeUnit.SECONDS).join();
    requester.close();
    Spore expiring = Spore.builder(SporeType.KNOWLEDGE).from("client").to("flaky").knowledge(Map.of("n", 2))
        .expiresAt(Instant.now().plusMillis(300)).build();
    reef.channel("main").send(expiring).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> reef.deadLetters().list().size() == 2);
    await().atMost(Duration.ofSeconds(5)).until(() -> expiring.isExpiredAt(Instant.now()));
    failing.set(false);

    ReplayReport report = reef.deadLetters().replayAll(ReplayOptions.DEFAULT).orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(report.replayed()).isEmpty();
    assertThat(report.skipped()).hasSize(2);
    assertThat(report.skipped().get(expiring.id())).contains("expired at").contains("refreshed expiry");
    assertThat(report.skipped().values()).anySatisfy(why -> assertThat(why).contains("no longer listens"));
    assertThat(reef.deadLetters().list()).hasSize(2);
    assertThatThrownBy(() -> reef.deadLetters().replay(expiring.id()).join())
        .hasCauseInstanceOf(ReplayRefusedException.class);

    reef.deadLetters().replay(expiring.id(), ReplayOptions.DEFAULT.refreshExpiry(true))
        .orTimeout(5, TimeUnit.SECONDS).join();
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    assertThat(handled.get(0).id()).isEqualTo(expiring.id());
    assertThat(handled.get(0).expiresAt()).isAfter(Instant.now());
  }

  @Test
  void theBacklogCountsWhatWaitsForAnAgentAndAnUnknownAgentHasNone() {
    Reef reef = reef();
    reef.channel("main").subscribe("sleepy", (spore, ctx) -> null).close();
    for (int i = 0; i < 7; i++) {
      reef.channel("main").send("client", "sleepy", Map.of("n", i)).join();
    }

    assertThat(reef.channel("main").backlog("sleepy")).isEqualTo(7);
    assertThatThrownBy(() -> reef.channel("main").backlog("nobody")).isInstanceOf(UnknownDestinationException.class);
  }

  @Test
  void aNamespaceListsAndDeletesItsObjects() {
    Reef reef = reef();
    reef.channel("main").subscribe("alice", (spore, ctx) -> null);
    reef.channel("side").subscribe("bob", (spore, ctx) -> null);

    assertThat(reef.admin().objects()).contains("reef.main", "reef.main.alice", "reef.side", "reef.side.bob");
    assertThat(reef.admin().delete()).isGreaterThanOrEqualTo(4);

    Reef fresh = reef();
    assertThat(fresh.admin().objects()).doesNotContain("reef.main.alice", "reef.side.bob");
  }
}
