package dev.reef.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SporeSigningTest {
  private static final KeyPair ALICE = SporeSigning.generateKeyPair();
  private static final KeyPair MALLORY = SporeSigning.generateKeyPair();
  private static final KeyRegistry REGISTRY = KeyRegistry.of(Map.of("alice", ALICE.getPublic(), "mallory",
      MALLORY.getPublic()));
  private static final SporeSigning ALICE_SIGNS = SporeSigning.withKey("alice", ALICE.getPrivate()).verifyWith(REGISTRY);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00.123456Z");

  private static Spore spore() {
    return Spore.builder(SporeType.REQUEST)
        .from("alice").to("bob")
        .knowledge(Map.of("amount", 100, "to", "acct-1", "nested", Map.of("list", List.of(1, 2.5, "x"))))
        .createdAt(NOW).expiresAt(NOW.plusSeconds(30)).priority(7)
        .metadata(Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
        .knowledgeReferences(List.of("k1")).dataReferences(List.of("d1", "d2"))
        .build();
  }

  @Test
  void aSporeSignedByTheAgentItNamesPassesAndLosesOnlyItsSignature() {
    Spore original = spore();
    Spore signed = ALICE_SIGNS.sign(original);

    assertThat(signed.metadata().getString(SporeSigning.METADATA_KEY)).startsWith("ed25519:");
    assertThat(ALICE_SIGNS.check(signed)).isEmpty();
    assertThat(SporeSigning.withoutSignature(signed)).isEqualTo(original);
  }

  @Test
  void aSporeThatClaimsAnotherAgentIsCaught() {
    // Mallory holds only her own key, and signs a spore that says it is from alice.
    SporeSigning mallory = SporeSigning.withKey("alice", MALLORY.getPrivate());
    Spore forged = mallory.sign(spore());

    SporeSigning.Rejection rejection = ALICE_SIGNS.check(forged).orElseThrow();

    assertThat(rejection.kind()).isEqualTo("bad_signature");
    assertThat(rejection.reason()).contains(forged.id(), "not signed by agent 'alice'");
  }

  @Test
  void aSignatureMovedToASporeFromAnotherAgentIsCaught() {
    Spore signedByMallory = SporeSigning.withKey("mallory", MALLORY.getPrivate()).sign(
        spore().toBuilder().from("mallory").build());
    Spore relabelled = signedByMallory.toBuilder().from("alice").build();

    assertThat(ALICE_SIGNS.check(signedByMallory)).isEmpty();
    assertThat(ALICE_SIGNS.check(relabelled).orElseThrow().kind()).isEqualTo("bad_signature");
  }

  static Stream<Arguments> tamperings() {
    return Stream.of(
        Arguments.of("knowledge", (UnaryOperator<Spore.Builder>) b -> b.knowledge(Map.of("amount", 1_000_000))),
        Arguments.of("to_agent", (UnaryOperator<Spore.Builder>) b -> b.to("carol")),
        Arguments.of("id", (UnaryOperator<Spore.Builder>) b -> b.id("6f1c1f0e-8d3c-4d59-9a43-3f3cfb5d2a10")),
        Arguments.of("created_at", (UnaryOperator<Spore.Builder>) b -> b.createdAt(NOW.plusNanos(1_000))),
        Arguments.of("expires_at", (UnaryOperator<Spore.Builder>) b -> b.expiresAt(NOW.plusSeconds(3_600))),
        Arguments.of("no expires_at", (UnaryOperator<Spore.Builder>) b -> b.expiresAt(null)),
        Arguments.of("priority", (UnaryOperator<Spore.Builder>) b -> b.priority(10)),
        Arguments.of("reply_to", (UnaryOperator<Spore.Builder>) b -> b.replyTo("some-request")),
        Arguments.of("metadata", (UnaryOperator<Spore.Builder>) b -> b.metadata("role", "admin")),
        Arguments.of("knowledge_references", (UnaryOperator<Spore.Builder>) b -> b.knowledgeReferences(List.of())),
        Arguments.of("data_references", (UnaryOperator<Spore.Builder>) b -> b.dataReferences(List.of("d2", "d1"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tamperings")
  void changingAnyFieldAfterSigningIsCaught(String field, UnaryOperator<Spore.Builder> change) {
    Spore signed = ALICE_SIGNS.sign(spore());
    Spore tampered = change.apply(signed.toBuilder()).build();

    assertThat(tampered).isNotEqualTo(signed);
    assertThat(ALICE_SIGNS.check(tampered).orElseThrow()).as("check of a spore whose %s changed", field)
        .extracting(SporeSigning.Rejection::kind).isEqualTo("bad_signature");
  }

  @Test
  void theSporeTypeIsCovered() {
    Spore knowledge = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").createdAt(NOW).build();
    Spore signed = ALICE_SIGNS.sign(knowledge);
    Spore asNotification = Spore.builder(SporeType.NOTIFICATION).id(signed.id()).from("alice").to("bob")
        .createdAt(NOW).metadata(signed.metadata()).build();

    assertThat(ALICE_SIGNS.check(signed)).isEmpty();
    assertThat(ALICE_SIGNS.check(asNotification).orElseThrow().kind()).isEqualTo("bad_signature");
  }

  @Test
  void anUnsignedSporeIsRejected() {
    SporeSigning.Rejection rejection = ALICE_SIGNS.check(spore()).orElseThrow();

    assertThat(rejection.kind()).isEqualTo("unsigned");
    assertThat(rejection.reason()).contains("is not signed", "alice");
  }

  @Test
  void aSporeFromAnAgentWithoutAPublicKeyIsRejected() {
    KeyPair stranger = SporeSigning.generateKeyPair();
    Spore signed = SporeSigning.withKey("stranger", stranger.getPrivate()).sign(spore().toBuilder().from("stranger").build());

    SporeSigning.Rejection rejection = ALICE_SIGNS.check(signed).orElseThrow();

    assertThat(rejection.kind()).isEqualTo("unknown_agent");
    assertThat(rejection.reason()).contains("'stranger'", "no public key");
  }

  @Test
  void malformedSignaturesAreRejectedNotThrown() {
    Spore signed = ALICE_SIGNS.sign(spore());
    String good = signed.metadata().getString(SporeSigning.METADATA_KEY);
    List<Object> malformed = List.of("ed25519:not base64!", "ed25519:" + Base64.getEncoder().encodeToString(new byte[10]),
        "rsa:" + good.substring("ed25519:".length()), 42, Map.of("sig", good), "");

    for (Object value : malformed) {
      Spore bad = signed.toBuilder().metadata(SporeSigning.METADATA_KEY, value).build();
      assertThat(ALICE_SIGNS.check(bad).orElseThrow()).as("check of signature %s", value)
          .extracting(SporeSigning.Rejection::kind).isEqualTo("malformed_signature");
    }
  }

  @Test
  void aRegistryThatFailsRejectsRatherThanThrows() {
    SporeSigning failing = SporeSigning.verifyOnly(agent -> {
      throw new IllegalStateException("key store offline");
    });

    assertThat(failing.check(ALICE_SIGNS.sign(spore())).orElseThrow().reason()).contains("key store offline");
  }

  @Test
  void theSignatureDependsOnMeaningNotSpelling() {
    // Key order and number spelling may change on the way (another JSON writer, a round trip through
    // doubles): what the spore says stays the same, and so does the verdict.
    Spore signed = ALICE_SIGNS.sign(spore().toBuilder()
        .knowledge(JsonDocument.parse("{\"b\":1.50,\"a\":{\"y\":2,\"x\":1e3}}")).build());
    Spore respelled = signed.toBuilder().knowledge(JsonDocument.parse("{\"a\":{\"x\":1000.0,\"y\":2},\"b\":1.5}")).build();
    ObjectNode metadata = signed.metadata().toObjectNode();
    ObjectNode reordered = JsonNodeFactory.instance.objectNode();
    reordered.set(SporeSigning.METADATA_KEY, metadata.get(SporeSigning.METADATA_KEY));
    reordered.set("traceparent", metadata.get("traceparent"));

    assertThat(ALICE_SIGNS.check(respelled)).isEmpty();
    assertThat(ALICE_SIGNS.check(signed.toBuilder().metadata(reordered).build())).isEmpty();
    assertThat(ALICE_SIGNS.check(signed.toBuilder().knowledge(JsonDocument.parse("{\"a\":{\"x\":1000.5,\"y\":2},\"b\":1.5}"))
        .build())).isNotNull();
  }

  @Test
  void signingAsAnAgentWithoutAKeyFailsNamingIt() {
    Spore fromBob = spore().toBuilder().from("bob").to("alice").build();

    assertThatThrownBy(() -> ALICE_SIGNS.sign(fromBob))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent 'bob'")
        .hasMessageContaining("[alice]");
  }

  @Test
  void keysMustBeEd25519AndNamesValid() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    KeyPair notEd = ec.generateKeyPair();

    assertThatThrownBy(() -> SporeSigning.withKey("alice", notEd.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent 'alice'").hasMessageContaining("Ed25519");
    assertThatThrownBy(() -> KeyRegistry.of(Map.of("bob", notEd.getPublic())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent 'bob'");
    assertThatThrownBy(() -> SporeSigning.withKey("not a name", ALICE.getPrivate()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent name");
    assertThatThrownBy(() -> SporeSigning.withKeys(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> SporeSigning.withKey("alice", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SporeSigning.verifyOnly(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void whatItDoesIsReadableAndHoldsNoKey() {
    PrivateKey key = ALICE.getPrivate();
    String text = ALICE_SIGNS.toString();

    assertThat(ALICE_SIGNS.signs()).isTrue();
    assertThat(ALICE_SIGNS.verifies()).isTrue();
    assertThat(ALICE_SIGNS.signingAgents()).containsExactly("alice");
    assertThat(SporeSigning.verifyOnly(REGISTRY).signs()).isFalse();
    assertThat(SporeSigning.withKey("alice", key).verifies()).isFalse();
    assertThat(text).contains("alice", "mallory")
        .doesNotContain(Base64.getEncoder().encodeToString(key.getEncoded()))
        .doesNotContain(Base64.getEncoder().encodeToString(ALICE.getPublic().getEncoded()));
  }
}
