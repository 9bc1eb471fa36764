package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SporeTest {

  private static Spore.Builder knowledge() {
    return Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob");
  }

  /** Asserts that building fails with an {@link InvalidSporeException} naming {@code field}. */
  private static void assertInvalid(String field, ThrowingCallable build) {
    assertThatThrownBy(build)
        .isInstanceOfSatisfying(InvalidSporeException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith("invalid spore field " + field + ": ");
  }

  @Nested
  class Validation {

    @Test
    void idMustBeAUuid() {
      assertInvalid("id", () -> knowledge().id("not-a-uuid").build());
      assertThatThrownBy(() -> knowledge().id("not-a-uuid").build()).hasMessageContaining("'not-a-uuid' is not a UUID");
    }

    @Test
    void idMustNotBeEmpty() {
      assertInvalid("id", () -> knowledge().id("").build());
    }

    @Test
    void typeMustNotBeNull() {
      Instant now = Instant.now();
      assertInvalid("spore_type", () -> new Spore(
          UUID.randomUUID().toString(), null, "alice", "bob", null, now, null, 5, null, null, null, null, null));
    }

    @Test
    void builderRejectsANullType() {
      assertThatThrownBy(() -> Spore.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "dot.ted", "slash/ed", "ünïcode", "tab\t"})
    void fromAgentMustBeAValidName(String name) {
      assertInvalid("from_agent", () -> knowledge().from(name).build());
    }

    @Test
    void fromAgentMustNotBeNull() {
      assertInvalid("from_agent", () -> knowledge().from(null).build());
      assertThatThrownBy(() -> knowledge().from(null).build()).hasMessageContaining("must not be null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "dot.ted", "x!"})
    void toAgentMustBeAValidName(String name) {
      assertInvalid("to_agent", () -> knowledge().to(name).build());
    }

    @Test
    void namesMayBe128CharactersButNot129() {
      String longest = "a".repeat(128);
      assertThat(knowledge().from(longest).to(longest).build().fromAgent()).hasSize(128);

      String tooLong = "a".repeat(129);
      assertInvalid("from_agent", () -> knowledge().from(tooLong).build());
      assertInvalid("to_agent", () -> knowledge().to(tooLong).build());
      assertThatThrownBy(() -> knowledge().to(tooLong).build())
          .hasMessageContaining("is 129 characters long, the limit is 128");
    }

    @Test
    void emptyNameIsReportedAsEmpty() {
      assertThatThrownBy(() -> knowledge().to("").build()).hasMessageContaining("must not be empty");
    }

    @Test
    void badCharactersAreReportedAsSuch() {
      assertThatThrownBy(() -> knowledge().from("two words").build())
          .hasMessageContaining("'two words'")
          .hasMessageContaining("may only contain A-Z a-z 0-9 _ -");
    }

    @ParameterizedTest
    @EnumSource(value = SporeType.class, names = {"REQUEST", "RESPONSE"})
    void requestsAndResponsesNeedARecipient(SporeType type) {
      assertInvalid("to_agent", () -> Spore.builder(type).from("alice").replyTo(UUID.randomUUID().toString()).build());
    }

    @Test
    void aBroadcastHasNoRecipient() {
      assertInvalid("to_agent", () -> Spore.builder(SporeType.BROADCAST).from("alice").to("bob").build());
      Spore broadcast = Spore.builder(SporeType.BROADCAST).from("alice").build();
      assertThat(broadcast.isBroadcast()).isTrue();
      assertThat(broadcast.toAgent()).isNull();
    }

    @Test
    void knowledgeAndNotificationSporesMayGoToEveryone() {
      assertThat(Spore.builder(SporeType.KNOWLEDGE).from("alice").build().isBroadcast()).isTrue();
      assertThat(Spore.builder(SporeType.NOTIFICATION).from("alice").build().isBroadcast()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 11, -1, Integer.MAX_VALUE})
    void priorityOutOfRangeIsRejected(int priority) {
      assertInvalid("priority", () -> knowledge().priority(priority).build());
      assertThatThrownBy(() -> knowledge().priority(priority).build()).hasMessageContaining("out of range 1..10");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 10})
    void priorityInRangeIsKept(int priority) {
      assertThat(knowledge().priority(priority).build().priority()).isEqualTo(priority);
    }

    @Test
    void aResponseMustNameTheRequestItAnswers() {
      assertInvalid("reply_to", () -> Spore.builder(SporeType.RESPONSE).from("bob").to("alice").build());
      assertInvalid("reply_to", () -> Spore.builder(SporeType.RESPONSE).from("bob").to("alice").replyTo("").build());
    }

    @Test
    void anEmptyReplyToOnOtherSporesBecomesNull() {
      assertThat(knowledge().replyTo("").build().replyTo()).isNull();
    }

    @Test
    void createdAtMustNotBeNull() {
      assertInvalid("created_at", () -> new Spore(UUID.randomUUID().toString(), SporeType.KNOWLEDGE, "alice", "bob",
          null, null, null, 5, null, null, null, null, null));
    }

    @Test
    void referenceListsMustNotContainNull() {
      List<String> withNull = Arrays.asList("ref-1", null);
      assertInvalid("knowledge_references", () -> knowledge().knowledgeReferences(withNull).build());
      assertInvalid("data_references", () -> knowledge().dataReferences(withNull).build());
      assertThatThrownBy(() -> knowledge().dataReferences(withNull).build()).hasMessageContaining("must not contain null");
    }

    @Test
    void knowledgeMustBeAJsonObject() {
      assertInvalid("knowledge", () -> knowledge().knowledge(List.of(1, 2, 3)));
      assertThatThrownBy(() -> knowledge().knowledge(List.of(1, 2, 3))).hasMessageContaining("got an array");

      assertInvalid("knowledge", () -> knowledge().knowledge("{\"looks\":\"like json\"}"));
      assertThatThrownBy(() -> knowledge().knowledge("text")).hasMessageContaining("got a string");

      assertInvalid("knowledge", () -> knowledge().knowledge(42));
      assertThatThrownBy(() -> knowledge().knowledge(42)).hasMessageContaining("got a number");

      assertInvalid("knowledge", () -> knowledge().knowledge(true));
      assertInvalid("knowledge", () -> knowledge().knowledge(TextNode.valueOf("x")));
    }

    @Test
    void metadataMustBeAJsonObject() {
      assertInvalid("metadata", () -> knowledge().metadata(List.of("a")));
    }

    @Test
    void aNegativeTimeToLiveIsRejected() {
      assertInvalid("expires_at", () -> knowledge().expiresIn(Duration.ofSeconds(-1)));
    }
  }

  @Nested
  class Defaults {

    @Test
    void builderFillsInIdCreationTimePriorityAndEmptyCollections() {
      Instant before = Instant.now().minusNanos(1_000);
      Spore spore = knowledge().build();
      Instant after = Instant.now();

      assertThat(UUID.fromString(spore.id()).toString()).isEqualTo(spore.id());
      assertThat(spore.createdAt()).isBetween(before, after);
      assertThat(spore.priority()).isEqualTo(Spore.DEFAULT_PRIORITY).isEqualTo(5);
      assertThat(spore.metadata()).isEqualTo(JsonDocument.empty());
      assertThat(spore.metadata().isEmpty()).isTrue();
      assertThat(spore.knowledge()).isNull();
      assertThat(spore.expiresAt()).isNull();
      assertThat(spore.replyTo()).isNull();
      assertThat(spore.knowledgeReferences()).isEmpty();
      assertThat(spore.dataReferences()).isEmpty();
    }

    @Test
    void everySporeGetsAFreshId() {
      assertThat(knowledge().build().id()).isNotEqualTo(knowledge().build().id());
    }

    @Test
    void nullCollectionsInTheConstructorBecomeEmpty() {
      Spore spore = new Spore(UUID.randomUUID().toString(), SporeType.KNOWLEDGE, "alice", "bob", null,
          Instant.now(), null, 5, null, null, null, null, null);
      assertThat(spore.metadata()).isEqualTo(JsonDocument.empty());
      assertThat(spore.knowledgeReferences()).isEmpty();
      assertThat(spore.dataReferences()).isEmpty();
    }

    @Test
    void knowledgeBytesIsFourForNullAndTheEncodedSizeOtherwise() {
      assertThat(knowledge().build().knowledgeBytes()).isEqualTo(4); // "null"
      assertThat(knowledge().knowledge(Map.of("a", "é")).build().knowledgeBytes()).isEqualTo(10); // {"a":"é"}
    }

    @Test
    void expiresInIsCountedFromNow() {
      Instant before = Instant.now();
      Spore spore = knowledge().expiresIn(Duration.ofMinutes(5)).build();
      assertThat(spore.expiresAt()).isBetween(before.plusSeconds(299), Instant.now().plusSeconds(300));
    }

    @Test
    void expiryIsInclusive() {
      Instant at = Instant.parse("2026-11-21T10:00:00Z");
      Spore spore = knowledge().expiresAt(at).build();
      assertThat(spore.isExpiredAt(at.minusNanos(1_000))).isFalse();
      assertThat(spore.isExpiredAt(at)).isTrue();
      assertThat(spore.isExpiredAt(at.plusSeconds(1))).isTrue();
      assertThat(knowledge().build().isExpiredAt(Instant.MAX)).isFalse();
    }

    @Test
    void metadataFieldsAccumulate() {
      Spore spore = knowledge().metadata(Map.of("a", 1)).metadata("b", "two").metadata("c", List.of(3)).build();
      assertThat(spore.metadata().toMap()).containsExactlyInAnyOrderEntriesOf(
          Map.of("a", 1, "b", "two", "c", List.of(3)));
    }

    @Test
    void replacingMetadataDropsFieldsAddedBefore() {
      Spore spore = knowledge().metadata("a", 1).metadata(Map.of("b", 2)).build();
      assertThat(spore.metadata().toMap()).containsExactly(Map.entry("b", 2));
    }
  }

  @Nested
  class Immutability {

    @Test
    void referenceListsAreCopiedAndUnmodifiable() {
      List<String> references = new ArrayList<>(List.of("doc-1"));
      Spore.Builder builder = knowledge().knowledgeReferences(references).dataReferences(references);
      references.add("doc-2"); // after handing it to the builder
      Spore spore = builder.build();
      references.add("doc-3"); // after building

      assertThat(spore.knowledgeReferences()).containsExactly("doc-1");
      assertThat(spore.dataReferences()).containsExactly("doc-1");
      assertThatThrownBy(() -> spore.knowledgeReferences().add("x")).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> spore.dataReferences().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void referenceListsPassedToTheConstructorAreCopied() {
      List<String> references = new ArrayList<>(List.of("doc-1"));
      Spore spore = new Spore(UUID.randomUUID().toString(), SporeType.KNOWLEDGE, "alice", "bob", null,
          Instant.now(), null, 5, null, null, null, references, references);
      references.set(0, "changed");
      assertThat(spore.knowledgeReferences()).containsExactly("doc-1");
      assertThat(spore.dataReferences()).containsExactly("doc-1");
    }

    @Test
    void knowledgeCannotBeChangedThroughTheNodeItWasMadeFrom() {
      ObjectNode source = JsonDocument.empty().toObjectNode().put("count", 1);
      Spore spore = knowledge().knowledge(source).build();
      source.put("count", 2);
      assertThat(spore.knowledge().get("count").intValue()).isEqualTo(1);
    }

    @Test
    void knowledgeCannotBeChangedThroughNodesItHandsOut() {
      Spore spore = knowledge().knowledge(Map.of("nested", Map.of("count", 1))).build();

      spore.knowledge().toObjectNode().put("count", 99);
      ((ObjectNode) spore.knowledge().get("nested")).put("count", 2);
      JsonNode nested = spore.knowledge().get("nested");
      ((ObjectNode) nested).removeAll();
      spore.knowledge().toMap().put("added", true);

      assertThat(spore.knowledge().toJson()).isEqualTo("{\"nested\":{\"count\":1}}");
      assertThat(spore.knowledge().has("count")).isFalse();
    }

    @Test
    void knowledgeCannotBeChangedThroughTheMapItWasMadeFrom() {
      Map<String, Object> source = new java.util.HashMap<>(Map.of("count", 1));
      Spore spore = knowledge().knowledge(source).build();
      source.put("count", 2);
      assertThat(spore.knowledge().toMap()).containsExactly(Map.entry("count", 1));
    }
  }

  @Nested
  class Copies {

    @Test
    void toBuilderRoundTripsEveryField() {
      Spore original = Spore.builder(SporeType.RESPONSE)
          .from("bob")
          .to("alice")
          .replyTo(UUID.randomUUID().toString())
          .knowledge(Map.of("answer", 42))
          .expiresAt(Instant.parse("2030-01-01T00:00:00.123456Z"))
          .priority(9)
          .metadata("trace", "abc")
          .knowledgeReferences(List.of("k1", "k2"))
          .dataReferences(List.of("d1"))
          .build();

      Spore copy = original.toBuilder().build();

      assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
      assertThat(copy.id()).isEqualTo(original.id());
      assertThat(copy.createdAt()).isEqualTo(original.createdAt());
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
      Spore original = knowledge().knowledge(Map.of("x", 1)).priority(2).build();
      Spore changed = original.toBuilder().priority(8).build();
      assertThat(changed.priority()).isEqualTo(8);
      assertThat(changed).usingRecursiveComparison().ignoringFields("priority").isEqualTo(original);
    }

    @Test
    void toBuilderKeepsMetadataWhenAFieldIsAdded() {
      Spore original = knowledge().metadata("a", 1).build();
      Spore changed = original.toBuilder().metadata("b", 2).build();
      assertThat(changed.metadata().toMap()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 2));
      assertThat(original.metadata().toMap()).containsExactly(Map.entry("a", 1));
    }
  }

  @Nested
  class Precision {

    @Test
    void timestampsAreTruncatedToMicroseconds() {
      Instant precise = Instant.parse("2026-11-21T10:00:00.123456789Z");
      Spore spore = knowledge().createdAt(precise).expiresAt(precise.plusSeconds(60)).build();
      assertThat(spore.createdAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456Z"));
      assertThat(spore.expiresAt()).isEqualTo(Instant.parse("2026-11-21T10:01:00.123456Z"));
    }

    @Test
    void truncationIsTowardsThePastForInstantsBeforeTheEpoch() {
      Instant precise = Instant.parse("1969-12-31T23:59:59.999999999Z");
      assertThat(knowledge().createdAt(precise).build().createdAt())
          .isEqualTo(Instant.parse("1969-12-31T23:59:59.999999Z"));
    }
  }
}
