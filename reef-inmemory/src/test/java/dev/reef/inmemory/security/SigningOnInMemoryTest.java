package dev.reef.inmemory.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.DeadLetter;
import dev.reef.DeadLetters;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.inmemory.InMemoryBackendProvider;
import dev.reef.inmemory.InMemoryBroker;
import dev.reef.security.KeyRegistry;
import dev.reef.security.SporeSigning;
import dev.reef.spi.Outbound;
import dev.reef.spi.BackendContext;
import dev.reef.spi.ForwardingBackend;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signed spores on the in-memory backend: several Reefs on one named broker, as several JVMs on one
 * RabbitMQ. A forged {@code from_agent}, an unsigned spore and knowledge changed after signing are all
 * caught; properly signed spores pass, through retries too; without verification nothing changes.
 */
class SigningOnInMemoryTest {
  private static final KeyPair ALICE = SporeSigning.generateKeyPair();
  private static final KeyPair BOB = SporeSigning.generateKeyPair();
  private static final KeyPair MALLORY = SporeSigning.generateKeyPair();
  private static final KeyRegistry REGISTRY = KeyRegistry.of(Map.of("alice", ALICE.getPublic(), "bob", BOB.getPublic()));

  private final String brokerName = "signing-" + UUID.randomUUID();
  private final List<Reef> reefs = new ArrayList<>();
  private final List<Spore> handled = new CopyOnWriteArrayList<>();
  private final List<Optional<String>> users = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    InMemoryBroker.shared(brokerName).close();
  }

  private Reef reef(SporeSigning signing) {
    return reef(signing, null);
  }

  private Reef reef(SporeSigning signing, ReefBackend backend) {
    Reef.Builder builder = Reef.builder().drainTimeout(Duration.ofSeconds(2));
    if (backend != null) {
      builder.backend(backend);
    } else {
      builder.uri("memory://" + brokerName);
    }
    if (signing != null) {
      builder.signing(signing);
    }
    Reef reef = builder.build();
    reefs.add(reef);
    return reef;
  }

  private void recordAs(Reef reef, String agent) {
    reef.channel("main").subscribe(agent, (spore, ctx) -> {
      users.add(ctx.verifiedUserId());
      handled.add(spore);
      return null;
    });
  }

  @Test
  void properlySignedSporesPassAndAreHandledExactlyAsSent() {
    Reef bob = reef(SporeSigning.withKey("bob", BOB.getPrivate()).verifyWith(REGISTRY));
    bob.channel("main").subscribe("bob", (spore, ctx) -> {
      handled.add(spore);
      return Map.of("ok", true);
    });
    Reef alice = reef(SporeSigning.withKey("alice", ALICE.getPrivate()).verifyWith(REGISTRY));
    Spore sent = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("n", 1)).build();
    Spore broadcast = Spore.builder(SporeType.BROADCAST).from("alice").knowledge(Map.of("n", 2)).build();

    alice.channel("main").send(sent).join();
    alice.channel("main").broadcast(broadcast).join();
    Spore reply = alice.channel("main").request("alice", "bob", Map.of("n", 3), Duration.ofSeconds(5)).join();

    assertThat(reply.knowledge().get("ok").asBoolean()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
    assertThat(handled).contains(sent, broadcast);
    assertThat(rejected(bob) + rejected(alice)).isZero();
  }

  @Test
  void aForgedFromAgentIsCaught() {
    Reef bob = reef(SporeSigning.verifyOnly(REGISTRY));
    recordAs(bob, "bob");
    Reef mallory = reef(SporeSigning.withKey("alice", MALLORY.getPrivate())); // her own key, alice's name

    mallory.channel("main").send("alice", "bob", Map.of("pay", "mallory")).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> bob.deadLetters().list().size() == 1);
    DeadLetter letter = bob.deadLetters().list().get(0);
    assertThat(letter.error()).startsWith("rejected: ").contains("not signed by agent 'alice'");
    assertThat(letter.agent()).isEqualTo("bob");
    assertThat(letter.attempts()).isZero();
    assertThat(rejected(bob, "bad_signature")).isEqualTo(1);
    assertThat(handled).isEmpty();
  }

  @Test
  void anUnsignedSporeIsCaught() {
    Reef bob = reef(SporeSigning.verifyOnly(REGISTRY));
    recordAs(bob, "bob");

    reef(null).channel("main").send("alice", "bob", Map.of("pay", "mallory")).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> rejected(bob, "unsigned") == 1);
    assertThat(bob.deadLetters().list()).singleElement()
        .satisfies(letter -> assertThat(letter.error()).contains("is not signed"));
    assertThat(handled).isEmpty();
  }

  @Test
  void knowledgeChangedAfterSigningIsCaught() {
    Reef bob = reef(SporeSigning.verifyOnly(REGISTRY));
    recordAs(bob, "bob");
    // Alice's spores pass through a connection that rewrites them after she signed them.
    ReefBackend connection = new InMemoryBackendProvider().create(URI.create("memory://" + brokerName),
        new BackendContext("reef", JsonMapping.defaults(), new SimpleMeterRegistry()));
    Reef alice = reef(SporeSigning.withKey("alice", ALICE.getPrivate()), new Tampering(connection));

    alice.channel("main").send("alice", "bob", Map.of("pay", "bob", "amount", 100)).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> rejected(bob, "bad_signature") == 1);
    assertThat(bob.deadLetters().list()).singleElement().satisfies(letter -> {
      assertThat(letter.error()).contains("does not match");
      assertThat(letter.spore().orElseThrow().knowledge().get("amount").asInt()).isEqualTo(1_000_000);
    });
    assertThat(handled).isEmpty();
  }

  @Test
  void aSignatureSurvivesRetriesAndReplays() {
    Reef bob = reef(SporeSigning.verifyOnly(REGISTRY));
    AtomicInteger attempts = new AtomicInteger();
    bob.channel("main").subscribe("bob", SubscriptionOptions.builder().retry(
        new RetryPolicy(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10))).build(), (spore, ctx) -> {
          if (attempts.incrementAndGet() <= 3) {
            throw new IllegalStateException("not yet (" + ctx.attempt() + ")");
          }
          handled.add(spore);
          return null;
        });
    Reef alice = reef(SporeSigning.withKey("alice", ALICE.getPrivate()));
    Spore sent = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("n", 1)).build();

    alice.channel("main").send(sent).join();
    // Two attempts fail: the spore goes to the dead letters, signature and all; a replay fails once more, then passes.
    DeadLetters dead = bob.deadLetters();
    await().atMost(Duration.ofSeconds(5)).until(() -> dead.list().size() == 1);
    assertThat(dead.list().get(0).error()).contains("not yet");
    dead.replay(dead.list().get(0).id()).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 1);
    assertThat(handled).containsExactly(sent);
    assertThat(attempts).hasValue(4);
    assertThat(rejected(bob)).isZero();
  }

  @Test
  void withoutVerificationNothingChanges() {
    Reef bob = reef(null);
    recordAs(bob, "bob");
    Spore plain = Spore.builder(SporeType.KNOWLEDGE).from("carol").to("bob").knowledge(Map.of("n", 1)).build();

    reef(null).channel("main").send(plain).join();
    reef(SporeSigning.withKey("alice", MALLORY.getPrivate())).channel("main").send("alice", "bob", Map.of("n", 2)).join();

    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
    assertThat(handled).contains(plain);
    assertThat(users).as("the in-memory broker authenticates no one").containsOnly(Optional.empty());
    assertThat(bob.meterRegistry().find(SporeSigning.REJECTED_METER).counters()).isEmpty();
  }

  private static double rejected(Reef reef) {
    return reef.meterRegistry().find(SporeSigning.REJECTED_METER).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static double rejected(Reef reef, String reason) {
    return reef.meterRegistry().find(SporeSigning.REJECTED_METER).tag("reason", reason).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  /** A connection that raises every amount a millionfold on the way out: a stand-in for anyone in the middle. */
  private static final class Tampering extends ForwardingBackend {
    Tampering(ReefBackend backend) {
      super(backend);
    }

    @Override
    public CompletableFuture<Void> publish(Outbound message) {
      Spore changed = message.spore().toBuilder().knowledge(Map.of("pay", "bob", "amount", 1_000_000)).build();
      return super.publish(new Outbound(message.channel(), changed, message.targetAgent(), message.replyAddress(),
          message.attempt()));
    }
  }
}
