package dev.reef.internal.engine;

import dev.reef.security.KeyRegistry;
import dev.reef.security.SporeSigning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Channel;
import dev.reef.internal.engine.FakeBackend;
import dev.reef.internal.engine.FakeBackend.FakeDelivery;
import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.micrometer.core.instrument.Counter;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SporeSigning} through {@link Reef.Builder#signing}: what leaves is signed, what arrives is checked. */
class SigningReefTest {
  private static final KeyPair ALICE = SporeSigning.generateKeyPair();
  private static final KeyPair MALLORY = SporeSigning.generateKeyPair();
  private static final KeyRegistry REGISTRY = KeyRegistry.of(Map.of("alice", ALICE.getPublic()));

  private final FakeBackend backend = new FakeBackend();
  private Reef reef;

  @AfterEach
  void close() {
    if (reef != null) {
      reef.close(Duration.ofSeconds(1));
    }
  }

  private Reef reef(SporeSigning signing) {
    Reef.Builder builder = Reef.builder().backend(backend);
    if (signing != null) {
      builder.signing(signing);
    }
    reef = builder.build();
    return reef;
  }

  @Test
  void sendsBroadcastsAndRequestsLeaveSigned() {
    Channel main = reef(SporeSigning.withKey("alice", ALICE.getPrivate()).verifyWith(REGISTRY)).channel("main");

    main.send("alice", "bob", Map.of("n", 1)).join();
    main.broadcast("alice", Map.of("n", 2)).join();
    main.request("alice", "bob", Map.of("n", 3), Duration.ofMillis(200));

    assertThat(backend.published).hasSize(3).allSatisfy(out ->
        assertThat(SporeSigning.verifyOnly(REGISTRY).check(out.spore())).isEmpty());
  }

  @Test
  void aSendAsAnAgentWithoutAKeyFailsAndNothingLeaves() {
    Channel main = reef(SporeSigning.withKey("alice", ALICE.getPrivate())).channel("main");

    assertThatThrownBy(() -> main.send("carol", "bob", Map.of()))
        .isInstanceOf(ReefException.class).hasMessageContaining("agent 'carol'");
    assertThat(backend.published).isEmpty();
  }

  @Test
  void aVerifiedSporeIsHandledAsItWasSentAndTheTransportsUserShows() {
    List<Spore> handled = new CopyOnWriteArrayList<>();
    List<Optional<String>> users = new CopyOnWriteArrayList<>();
    reef(SporeSigning.verifyOnly(REGISTRY)).channel("main").subscribe("bob", (spore, ctx) -> {
      handled.add(spore);
      users.add(ctx.verifiedUserId());
      return null;
    });
    Spore sent = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("n", 1)).build();

    FakeDelivery delivery = backend.consumer().deliverAs(
        SporeSigning.withKey("alice", ALICE.getPrivate()).sign(sent), "alice-user");

    assertThat(delivery.outcome).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(FakeDelivery.Outcome.ACK);
    assertThat(handled).containsExactly(sent);
    assertThat(users).containsExactly(Optional.of("alice-user"));
  }

  @Test
  void forgedAndUnsignedSporesAreDeadLetteredCountedAndNeverHandled() {
    List<Spore> handled = new CopyOnWriteArrayList<>();
    reef(SporeSigning.verifyOnly(REGISTRY)).channel("main").subscribe("bob", (spore, ctx) -> {
      handled.add(spore);
      return null;
    });
    Spore claim = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("pay", 100)).build();

    FakeDelivery forged = backend.consumer().deliverAs(SporeSigning.withKey("alice", MALLORY.getPrivate()).sign(claim), null);
    FakeDelivery unsigned = backend.consumer().deliverAs(claim, null);

    assertThat(forged.outcome).isCompletedWithValue(FakeDelivery.Outcome.DEAD_LETTER);
    assertThat(forged.deadLetterReason.error()).startsWith("rejected: ").contains("not signed by agent 'alice'");
    assertThat(forged.deadLetterReason.agent()).isEqualTo("bob");
    assertThat(forged.deadLetterReason.attempts()).isZero();
    assertThat(unsigned.outcome).isCompletedWithValue(FakeDelivery.Outcome.DEAD_LETTER);
    assertThat(unsigned.deadLetterReason.error()).contains("is not signed");
    assertThat(rejected("bad_signature")).isEqualTo(1.0);
    assertThat(rejected("unsigned")).isEqualTo(1.0);
    assertThat(handled).isEmpty();
    assertThat(reef.stats().handled()).isZero();
  }

  @Test
  void aForgedReplyIsDroppedSoTheRequestTimesOut() {
    Channel main = reef(SporeSigning.withKey("alice", ALICE.getPrivate()).verifyWith(
        KeyRegistry.of(Map.of("alice", ALICE.getPublic(), "bob", MALLORY.getPublic())))).channel("main");
    var answer = main.request("alice", "bob", Map.of("q", 1), Duration.ofMillis(300));
    Spore request = backend.published.get(0).spore();
    Spore reply = Spore.builder(SporeType.RESPONSE).from("bob").to("alice").replyTo(request.id())
        .knowledge(Map.of("a", 1)).build();

    backend.replyHandler.onReply(reply, java.util.Optional.empty()); // unsigned: not from bob as far as anyone can tell

    assertThat(answer).failsWithin(5, TimeUnit.SECONDS);
    assertThat(rejected("unsigned")).isEqualTo(1.0);
  }

  @Test
  void aSignedReplyCompletesTheRequest() {
    KeyPair bob = SporeSigning.generateKeyPair();
    Channel main = reef(SporeSigning.withKey("alice", ALICE.getPrivate()).verifyWith(
        KeyRegistry.of(Map.of("alice", ALICE.getPublic(), "bob", bob.getPublic())))).channel("main");
    var answer = main.request("alice", "bob", Map.of("q", 1), Duration.ofSeconds(5));
    Spore request = backend.published.get(0).spore();
    Spore reply = Spore.builder(SporeType.RESPONSE).from("bob").to("alice").replyTo(request.id())
        .knowledge(Map.of("a", 1)).build();

    backend.replyHandler.onReply(SporeSigning.withKey("bob", bob.getPrivate()).sign(reply), java.util.Optional.empty());

    assertThat(answer).succeedsWithin(5, TimeUnit.SECONDS).isEqualTo(reply);
  }

  @Test
  void withoutSigningNothingChanges() throws InterruptedException {
    List<Spore> handled = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
    Channel main = reef(null).channel("main");
    main.subscribe("bob", (spore, ctx) -> {
      handled.add(spore);
      both.countDown();
      return null;
    });
    Spore unsigned = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("n", 1)).build();
    Spore signed = SporeSigning.withKey("alice", MALLORY.getPrivate()).sign(
        Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("n", 2)).build());

    main.send(unsigned).join();
    backend.consumer().deliverAs(unsigned, null);
    backend.consumer().deliverAs(signed, null);

    assertThat(backend.published).extracting(out -> out.spore()).containsExactly(unsigned);
    assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(handled).containsExactlyInAnyOrder(unsigned, signed);
    assertThat(reef.meterRegistry().find(SporeSigning.REJECTED_METER).counters()).isEmpty();
  }

  private double rejected(String reason) {
    Counter counter = reef.meterRegistry().find(SporeSigning.REJECTED_METER).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }
}
