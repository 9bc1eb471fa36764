package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SporeJsonTest {
  private static final String ID = "0b6a3f0e-8c7e-4a8e-9a53-3f1f2c0e9d11";
  private static final String REQUEST_ID = "7d3c5d8a-1d2b-4f7e-8a42-5b9e0c6f1a22";

  /** A spore with every field set to something other than its default. */
  private static Spore everyFieldSet() {
    return Spore.builder(SporeType.RESPONSE)
        .id(ID)
        .from("analyst-1")
        .to("planner")
        .knowledge(Map.of("answer", 42, "text", "ünïcödé €", "nested", Map.of("list", List.of(1, "two", 3.5))))
        .createdAt(Instant.parse("2026-11-21T09:30:00.123456Z"))
        .expiresAt(Instant.parse("2026-11-21T10:30:00.654321Z"))
        .priority(9)
        .replyTo(REQUEST_ID)
        .metadata(Map.of("traceparent", "00-abc-def-01", "hops", 2, "flags", List.of(true, false)))
        .knowledgeReferences(List.of("kb://facts/1", "kb://facts/2"))
        .dataReferences(List.of("s3://bucket/data.csv"))
        .build();
  }

  private static void assertInvalid(String field, ThrowingCallable decode) {
    assertThatThrownBy(decode)
        .isInstanceOfSatisfying(InvalidSporeException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(field);
  }

  private static ObjectNode tree(Spore spore) {
    return SporeJson.toTree(spore);
  }

  @Nested
  class RoundTrip {

    @Test
    void everyFieldSurvivesEncodeAndDecode() {
      Spore original = everyFieldSet();
      Spore decoded = SporeJson.decode(SporeJson.encode(original));

      assertThat(decoded).isEqualTo(original);
      // Field by field too, so that a failure says which one broke.
      assertThat(decoded.id()).isEqualTo(ID);
      assertThat(decoded.type()).isEqualTo(SporeType.RESPONSE);
      assertThat(decoded.fromAgent()).isEqualTo("analyst-1");
      assertThat(decoded.toAgent()).isEqualTo("planner");
      assertThat(decoded.knowledge()).isEqualTo(original.knowledge());
      assertThat(decoded.knowledge().toJson()).isEqualTo(original.knowledge().toJson());
      assertThat(decoded.createdAt()).isEqualTo(Instant.parse("2026-11-21T09:30:00.123456Z"));
      assertThat(decoded.expiresAt()).isEqualTo(Instant.parse("2026-11-21T10:30:00.654321Z"));
      assertThat(decoded.priority()).isEqualTo(9);
      assertThat(decoded.replyTo()).isEqualTo(REQUEST_ID);
      assertThat(decoded.metadata()).isEqualTo(original.metadata());
      assertThat(decoded.knowledgeReferences()).containsExactly("kb://facts/1", "kb://facts/2");
      assertThat(decoded.dataReferences()).containsExactly("s3://bucket/data.csv");
    }

    @Test
    void aSporeWithEveryOptionalFieldAbsentSurvives() {
      Spore original = Spore.builder(SporeType.BROADCAST).from("alice").build();
      String json = SporeJson.encode(original);
      Spore decoded = SporeJson.decode(json);

      assertThat(decoded).isEqualTo(original);
      assertThat(decoded.toAgent()).isNull();
      assertThat(decoded.knowledge()).isNull();
      assertThat(decoded.expiresAt()).isNull();
      assertThat(decoded.replyTo()).isNull();
      assertThat(decoded.metadata().isEmpty()).isTrue();
      assertThat(decoded.knowledgeReferences()).isEmpty();
      assertThat(decoded.dataReferences()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SporeType.class)
    void everyTypeSurvives(SporeType type) {
      Spore.Builder builder = Spore.builder(type).from("a");
      if (type != SporeType.BROADCAST) {
        builder.to("b");
      }
      if (type == SporeType.RESPONSE) {
        builder.replyTo(REQUEST_ID);
      }
      Spore original = builder.build();
      assertThat(SporeJson.decode(SporeJson.encode(original))).isEqualTo(original);
    }

    @Test
    void fromTreeReadsWhatToTreeWrites() {
      Spore original = everyFieldSet();
      assertThat(SporeJson.fromTree(SporeJson.toTree(original))).isEqualTo(original);
    }
  }

  @Nested
  class Encoding {

    @Test
    void usesTheWireFieldNamesAndValues() {
      ObjectNode node = tree(everyFieldSet());
      assertThat(node.fieldNames()).toIterable().containsExactly(
          "id", "spore_type", "from_agent", "to_agent", "knowledge", "created_at", "expires_at", "priority",
          "reply_to", "caused_by", "metadata", "knowledge_references", "data_references");
      assertThat(node.get("spore_type").textValue()).isEqualTo("response");
      assertThat(node.get("created_at").textValue()).isEqualTo("2026-11-21T09:30:00.123456+00:00");
      assertThat(node.get("expires_at").textValue()).isEqualTo("2026-11-21T10:30:00.654321+00:00");
      assertThat(node.get("priority").isInt()).isTrue();
      assertThat(node.get("knowledge").isObject()).isTrue();
      assertThat(node.get("knowledge_references").isArray()).isTrue();
    }

    @Test
    void absentOptionalFieldsAreWrittenAsJsonNull() {
      ObjectNode node = tree(Spore.builder(SporeType.BROADCAST).from("alice").build());
      assertThat(node.get("to_agent").isNull()).isTrue();
      assertThat(node.get("knowledge").isNull()).isTrue();
      assertThat(node.get("expires_at").isNull()).isTrue();
      assertThat(node.get("reply_to").isNull()).isTrue();
      assertThat(node.get("metadata").isObject()).isTrue();
      assertThat(node.get("metadata")).isEmpty();
      assertThat(node.get("knowledge_references")).isEmpty();
    }

    @Test
    void theTreeIsACopyThatCannotChangeTheSpore() {
      Spore spore = everyFieldSet();
      ObjectNode node = tree(spore);
      ((ObjectNode) node.get("knowledge")).put("answer", 0);
      ((ObjectNode) node.get("metadata")).removeAll();
      assertThat(spore.knowledge().get("answer").intValue()).isEqualTo(42);
      assertThat(spore.metadata().isEmpty()).isFalse();
    }
  }

  @Nested
  class Timestamps {

    private ObjectNode withCreatedAt(String createdAt) {
      ObjectNode node = tree(Spore.builder(SporeType.KNOWLEDGE).from("a").to("b").build());
      node.put("created_at", createdAt);
      return node;
    }

    @Test
    void aNaiveTimestampIsReadAsUtc() {
      Spore spore = SporeJson.fromTree(withCreatedAt("2026-11-21T10:00:00.123456"));
      assertThat(spore.createdAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456Z"));
    }

    @Test
    void anOffsetIsConvertedToUtc() {
      Spore spore = SporeJson.fromTree(withCreatedAt("2026-11-21T10:00:00.123456+02:00"));
      assertThat(spore.createdAt()).isEqualTo(Instant.parse("2026-11-21T08:00:00.123456Z"));
      assertThat(SporeJson.toTree(spore).get("created_at").textValue()).isEqualTo("2026-11-21T08:00:00.123456+00:00");
    }

    @Test
    void nanosecondsOnTheWireAreTruncatedToMicroseconds() {
      Spore spore = SporeJson.fromTree(withCreatedAt("2026-11-21T10:00:00.123456789Z"));
      assertThat(spore.createdAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456Z"));
    }

    @Test
    void anEmptyExpiryMeansNone() {
      ObjectNode node = withCreatedAt("2026-11-21T10:00:00Z");
      node.put("expires_at", "");
      assertThat(SporeJson.fromTree(node).expiresAt()).isNull();
    }
  }

  @Nested
  class Praval {

    /** What Praval 0.8's {@code Spore.to_json()} writes: naive timestamps, nulls for absent fields. */
    private static final String PRAVAL_KNOWLEDGE = """
        {
          "id": "0b6a3f0e-8c7e-4a8e-9a53-3f1f2c0e9d11",
          "spore_type": "knowledge",
          "knowledge": {"topic": "coral", "confidence": 0.9, "tags": ["reef", "ocean"]},
          "from_agent": "researcher",
          "to_agent": null,
          "created_at": "2026-11-21T10:00:00.123456",
          "expires_at": null,
          "priority": 5,
          "reply_to": null,
          "metadata": {},
          "knowledge_references": [],
          "data_references": []
        }
        """;

    @Test
    void readsASporeWrittenByPraval() {
      Spore spore = SporeJson.decode(PRAVAL_KNOWLEDGE);

      assertThat(spore.id()).isEqualTo(ID);
      assertThat(spore.type()).isEqualTo(SporeType.KNOWLEDGE);
      assertThat(spore.fromAgent()).isEqualTo("researcher");
      assertThat(spore.toAgent()).isNull();
      assertThat(spore.isBroadcast()).isTrue();
      assertThat(spore.knowledge()).isEqualTo(
          JsonDocument.parse("{\"topic\":\"coral\",\"confidence\":0.9,\"tags\":[\"reef\",\"ocean\"]}"));
      assertThat(spore.createdAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456Z"));
      assertThat(spore.expiresAt()).isNull();
      assertThat(spore.priority()).isEqualTo(5);
      assertThat(spore.replyTo()).isNull();
      assertThat(spore.metadata().isEmpty()).isTrue();
      assertThat(spore.knowledgeReferences()).isEmpty();
      assertThat(spore.dataReferences()).isEmpty();
    }

    @Test
    void readsAPravalRequestAndResponse() {
      String request = """
          {"id": "%s", "spore_type": "request", "knowledge": {"q": 1}, "from_agent": "asker",
           "to_agent": "answerer", "created_at": "2026-11-21T10:00:00.000001", "expires_at": "2026-11-21T10:01:00",
           "priority": 7, "reply_to": null, "metadata": {"k": "v"}, "knowledge_references": ["r1"],
           "data_references": ["d1"]}""".formatted(REQUEST_ID);
      Spore asked = SporeJson.decode(request);
      assertThat(asked.type()).isEqualTo(SporeType.REQUEST);
      assertThat(asked.toAgent()).isEqualTo("answerer");
      assertThat(asked.expiresAt()).isEqualTo(Instant.parse("2026-11-21T10:01:00Z"));
      assertThat(asked.priority()).isEqualTo(7);
      assertThat(asked.metadata().getString("k")).isEqualTo("v");
      assertThat(asked.knowledgeReferences()).containsExactly("r1");
      assertThat(asked.dataReferences()).containsExactly("d1");

      String response = """
          {"id": "%s", "spore_type": "response", "knowledge": {"a": 2}, "from_agent": "answerer",
           "to_agent": "asker", "created_at": "2026-11-21T10:00:01", "expires_at": null,
           "priority": 5, "reply_to": "%s", "metadata": {}, "knowledge_references": [], "data_references": []}"""
          .formatted(ID, REQUEST_ID);
      assertThat(SporeJson.decode(response).replyTo()).isEqualTo(REQUEST_ID);
    }

    @Test
    void missingOptionalFieldsTakeTheirDefaults() {
      Spore spore = SporeJson.decode("""
          {"id": "%s", "spore_type": "notification", "from_agent": "a", "to_agent": "b",
           "created_at": "2026-11-21T10:00:00"}""".formatted(ID));
      assertThat(spore.priority()).isEqualTo(5);
      assertThat(spore.knowledge()).isNull();
      assertThat(spore.metadata().isEmpty()).isTrue();
      assertThat(spore.knowledgeReferences()).isEmpty();
    }

    @Test
    void emptyStringsForOptionalNamesMeanNone() {
      Spore spore = SporeJson.decode("""
          {"id": "%s", "spore_type": "broadcast", "from_agent": "a", "to_agent": "", "reply_to": "",
           "created_at": "2026-11-21T10:00:00", "expires_at": ""}""".formatted(ID));
      assertThat(spore.toAgent()).isNull();
      assertThat(spore.replyTo()).isNull();
      assertThat(spore.expiresAt()).isNull();
    }
  }

  @Nested
  class Malformed {

    private ObjectNode valid() {
      return tree(everyFieldSet());
    }

    @Test
    void textThatIsNotJson() {
      assertThatThrownBy(() -> SporeJson.decode("{\"id\": "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("spore is not valid JSON: ");
    }

    @Test
    void jsonThatIsNotAnObject() {
      assertThatThrownBy(() -> SporeJson.decode("[1]")).hasMessage("a spore must be a JSON object");
      assertThatThrownBy(() -> SporeJson.decode("\"spore\"")).hasMessage("a spore must be a JSON object");
      assertThatThrownBy(() -> SporeJson.decode("")).hasMessage("a spore must be a JSON object");
    }

    @Test
    void unknownOrMissingType() {
      ObjectNode node = valid().put("spore_type", "command");
      assertInvalid("spore_type", () -> SporeJson.fromTree(node));
      assertThatThrownBy(() -> SporeJson.fromTree(node)).hasMessageContaining("'command'");
      node.remove("spore_type");
      assertInvalid("spore_type", () -> SporeJson.fromTree(node));
    }

    @Test
    void idThatIsNotAUuid() {
      assertInvalid("id", () -> SporeJson.fromTree(valid().put("id", "42")));
    }

    /** A decoder must not invent an identity: duplicate suppression and reply correlation rely on it. */
    @Test
    void missingIdIsRejectedNotInvented() {
      ObjectNode node = valid();
      node.remove("id");
      assertInvalid("id", () -> SporeJson.fromTree(node));
    }

    @Test
    void fieldOfTheWrongJsonType() {
      assertInvalid("id", () -> SporeJson.fromTree(valid().put("id", 42)));
      assertInvalid("from_agent", () -> SporeJson.fromTree(valid().put("from_agent", 7)));
      assertInvalid("to_agent", () -> SporeJson.fromTree(valid().put("to_agent", true)));
      assertInvalid("reply_to", () -> {
        ObjectNode node = valid();
        node.putArray("reply_to");
        SporeJson.fromTree(node);
      });
      assertThatThrownBy(() -> SporeJson.fromTree(valid().put("from_agent", 7))).hasMessageContaining("must be a string");
    }

    @Test
    void missingSender() {
      ObjectNode node = valid();
      node.remove("from_agent");
      assertInvalid("from_agent", () -> SporeJson.fromTree(node));
    }

    @Test
    void badAgentName() {
      assertInvalid("to_agent", () -> SporeJson.fromTree(valid().put("to_agent", "no spaces allowed")));
    }

    @Test
    void missingOrBadCreationTime() {
      ObjectNode missing = valid();
      missing.remove("created_at");
      assertInvalid("created_at", () -> SporeJson.fromTree(missing));
      assertThatThrownBy(() -> SporeJson.fromTree(missing)).hasMessageContaining("is missing");

      assertInvalid("created_at", () -> SporeJson.fromTree(valid().put("created_at", "")));
      assertInvalid("created_at", () -> SporeJson.fromTree(valid().put("created_at", "last tuesday")));
      assertThatThrownBy(() -> SporeJson.fromTree(valid().put("created_at", "last tuesday")))
          .hasMessageContaining("'last tuesday'");
    }

    @Test
    void badExpiry() {
      assertInvalid("expires_at", () -> SporeJson.fromTree(valid().put("expires_at", "soon")));
      assertInvalid("expires_at", () -> SporeJson.fromTree(valid().put("expires_at", 1700000000)));
    }

    @Test
    void priorityThatIsNotAnIntegerOrOutOfRange() {
      assertInvalid("priority", () -> SporeJson.fromTree(valid().put("priority", "5")));
      assertInvalid("priority", () -> SporeJson.fromTree(valid().put("priority", 5.5)));
      assertInvalid("priority", () -> SporeJson.fromTree(valid().put("priority", 5_000_000_000L)));
      assertInvalid("priority", () -> SporeJson.fromTree(valid().put("priority", 0)));
      assertInvalid("priority", () -> SporeJson.fromTree(valid().put("priority", 11)));
    }

    @Test
    void knowledgeThatIsNotAnObject() {
      ObjectNode array = valid();
      array.putArray("knowledge").add(1);
      assertInvalid("knowledge", () -> SporeJson.fromTree(array));
      assertThatThrownBy(() -> SporeJson.fromTree(array)).hasMessageContaining("an array");

      assertInvalid("knowledge", () -> SporeJson.fromTree(valid().put("knowledge", "text")));
      assertInvalid("knowledge", () -> SporeJson.fromTree(valid().put("knowledge", 3)));
    }

    @Test
    void metadataThatIsNotAnObject() {
      assertInvalid("metadata", () -> SporeJson.fromTree(valid().put("metadata", "x")));
    }

    @Test
    void referencesThatAreNotArraysOfStrings() {
      assertInvalid("knowledge_references", () -> SporeJson.fromTree(valid().put("knowledge_references", "r1")));
      ObjectNode numbers = valid();
      numbers.putArray("data_references").add(1);
      assertInvalid("data_references", () -> SporeJson.fromTree(numbers));
      ObjectNode nulls = valid();
      nulls.putArray("data_references").addNull();
      assertInvalid("data_references", () -> SporeJson.fromTree(nulls));
    }

    @Test
    void responseWithoutReplyTo() {
      ObjectNode node = valid();
      node.putNull("reply_to");
      assertInvalid("reply_to", () -> SporeJson.fromTree(node));
    }
  }

  @Test
  void decodedKnowledgeIsAnIndependentCopyOfTheInput() {
    ObjectNode node = tree(everyFieldSet());
    Spore spore = SporeJson.fromTree(node);
    ((ObjectNode) node.get("knowledge")).put("answer", -1);
    JsonNode answer = spore.knowledge().get("answer");
    assertThat(answer.intValue()).isEqualTo(42);
    assertThat(UUID.fromString(spore.id())).isNotNull();
  }
}
