package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SporeCodecTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00.123456Z");
  private final SporeCodec codec = new SporeCodec(1024);

  private static Spore fullSpore() {
    return Spore.builder(SporeType.REQUEST)
        .from("asker")
        .to("answerer")
        .knowledge(Map.of("question", "depth?", "n", 7))
        .createdAt(NOW)
        .expiresAt(NOW.plusSeconds(30))
        .priority(9)
        .metadata(Map.of("trace", Map.of("id", "abc")))
        .knowledgeReferences(List.of("k1", "k2"))
        .dataReferences(List.of("d1"))
        .build();
  }

  @Test
  void aSporeSurvivesTheRoundTripWithEveryField() {
    Spore spore = fullSpore();
    SporeCodec.Encoded encoded = codec.encode(spore, "reef.reply.r1", 3, NOW);

    SporeCodec.Decoded decoded = codec.decode(received(encoded.properties()), encoded.body());

    assertThat(decoded).isInstanceOf(SporeCodec.Decoded.Valid.class);
    SporeCodec.Decoded.Valid valid = (SporeCodec.Decoded.Valid) decoded;
    assertThat(valid.spore()).isEqualTo(spore);
    assertThat(valid.attempt()).isEqualTo(3);
    assertThat(valid.replyAddress()).isEqualTo("reef.reply.r1");
  }

  @Test
  void aSporeWithoutMetadataOrReferencesCarriesPravalsNineHeadersOnlyAndComesBackTheSame() {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("teller").to("listener")
        .knowledge(Map.of("depth", 40)).createdAt(NOW).build();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, NOW);

    assertThat(encoded.properties().getHeaders()).containsOnlyKeys("spore_id", "spore_type", "from_agent",
        "to_agent", "created_at", "expires_at", "priority", "reply_to", "version");
    SporeCodec.Decoded decoded = codec.decode(received(encoded.properties()), encoded.body());
    assertThat(decoded).isInstanceOf(SporeCodec.Decoded.Valid.class);
    Spore back = ((SporeCodec.Decoded.Valid) decoded).spore();
    assertThat(back).isEqualTo(spore);
    assertThat(back.metadata().isEmpty()).isTrue();
    assertThat(back.knowledgeReferences()).isEmpty();
    assertThat(back.dataReferences()).isEmpty();
  }

  @Test
  void theMessageHasTheHeadersAndPropertiesOfSpec4() {
    Spore spore = fullSpore();
    SporeCodec.Encoded encoded = codec.encode(spore, "reef.reply.r1", 1, NOW);
    AMQP.BasicProperties properties = encoded.properties();

    assertThat(new String(encoded.body(), StandardCharsets.UTF_8)).isEqualTo(spore.knowledge().toJson());
    assertThat(properties.getHeaders()).containsOnlyKeys("spore_id", "spore_type", "from_agent", "to_agent",
        "created_at", "expires_at", "priority", "reply_to", "version", "metadata", "knowledge_references",
        "data_references");
    assertThat(properties.getHeaders().values()).allSatisfy(value -> assertThat(value).isInstanceOf(String.class));
    assertThat(properties.getHeaders())
        .containsEntry("spore_id", spore.id())
        .containsEntry("spore_type", "request")
        .containsEntry("to_agent", "answerer")
        .containsEntry("created_at", "2026-03-01T10:00:00.123456+00:00")
        .containsEntry("expires_at", "2026-03-01T10:00:30.123456+00:00")
        .containsEntry("priority", "9")
        .containsEntry("reply_to", "")
        .containsEntry("version", "1.0")
        .containsEntry("knowledge_references", "[\"k1\",\"k2\"]")
        .containsEntry("metadata", "{\"trace\":{\"id\":\"abc\"}}");
    assertThat(properties.getMessageId()).isEqualTo(spore.id());
    assertThat(properties.getTimestamp().toInstant()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(properties.getPriority()).isEqualTo(9);
    assertThat(properties.getExpiration()).isEqualTo("30000");
    assertThat(properties.getDeliveryMode()).isEqualTo(2);
    assertThat(properties.getContentType()).isEqualTo("application/json");
    assertThat(properties.getCorrelationId()).isEqualTo(spore.id());
    assertThat(properties.getReplyTo()).isEqualTo("reef.reply.r1");
  }

  @Test
  void aBroadcastWithoutKnowledgeOrExpiryHasEmptyHeadersAndANullBody() {
    Spore spore = Spore.builder(SporeType.BROADCAST).from("crier").createdAt(NOW).build();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, NOW);

    assertThat(new String(encoded.body(), StandardCharsets.UTF_8)).isEqualTo("null");
    assertThat(encoded.properties().getHeaders()).containsEntry("to_agent", "").containsEntry("expires_at", "")
        .doesNotContainKey(SporeCodec.ATTEMPT);
    assertThat(encoded.properties().getExpiration()).isNull();
    assertThat(encoded.properties().getReplyTo()).isNull();
    SporeCodec.Decoded.Valid valid =
        (SporeCodec.Decoded.Valid) codec.decode(received(encoded.properties()), encoded.body());
    assertThat(valid.spore()).isEqualTo(spore);
    assertThat(valid.attempt()).isEqualTo(1);
  }

  @Test
  void causedByTravelsAsAHeaderBothWaysAndIsAbsentWhenNone() {
    Spore cause = fullSpore();
    Spore effect = Spore.builder(SporeType.KNOWLEDGE).from("answerer").to("asker").createdAt(NOW)
        .causedBy(cause.id()).build();
    SporeCodec.Encoded encoded = codec.encode(effect, null, 1, NOW);

    assertThat(encoded.properties().getHeaders()).containsEntry("caused_by", cause.id());
    SporeCodec.Decoded.Valid valid =
        (SporeCodec.Decoded.Valid) codec.decode(received(encoded.properties()), encoded.body());
    assertThat(valid.spore().causedBy()).isEqualTo(cause.id());
    assertThat(valid.spore()).isEqualTo(effect);
    assertThat(codec.encode(cause, null, 1, NOW).properties().getHeaders()).doesNotContainKey("caused_by");
  }

  @Test
  void reefsOwnHeadersDoNotStartWithXAndTheOldAttemptHeaderIsStillRead() {
    SporeCodec.Encoded encoded = codec.encode(fullSpore(), null, 4, NOW);
    assertThat(encoded.properties().getHeaders()).containsEntry("reef_attempt", "4")
        .allSatisfy((name, value) -> assertThat(name).doesNotStartWith("x-"));

    Map<String, Object> old = new HashMap<>(encoded.properties().getHeaders());
    old.remove("reef_attempt");
    old.put("x-reef-attempt", "3");
    SporeCodec.Decoded decoded = codec.decode(received(encoded.properties().builder().headers(old).build()),
        encoded.body());
    assertThat(((SporeCodec.Decoded.Valid) decoded).attempt()).isEqualTo(3);
  }

  @Test
  void aBugWhileDecodingSurfacesInsteadOfPassingForMalformedInput() {
    SporeCodec.Encoded encoded = codec.encode(fullSpore(), null, 1, NOW);
    AMQP.BasicProperties broken = new AMQP.BasicProperties.Builder().headers(encoded.properties().getHeaders())
        .build();
    com.rabbitmq.client.BasicProperties failing = (com.rabbitmq.client.BasicProperties) java.lang.reflect.Proxy
        .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {com.rabbitmq.client.BasicProperties.class},
            (proxy, method, arguments) -> {
              if (method.getName().equals("getReplyTo")) {
                throw new IllegalStateException("a bug in reading properties");
              }
              return method.invoke(broken, arguments);
            });

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(failing, encoded.body()))
        .isInstanceOf(IllegalStateException.class).hasMessage("a bug in reading properties");
  }

  @Test
  void anAlreadyExpiredSporeStillCarriesATinyExpiration() {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("a").to("b").createdAt(NOW.minusSeconds(10))
        .expiresAt(NOW.minusSeconds(5)).build();
    assertThat(codec.encode(spore, null, 1, NOW).properties().getExpiration()).isEqualTo("1");
  }

  @Test
  void aResponseCarriesTheRequestIdAsCorrelationId() {
    Spore response = Spore.builder(SporeType.RESPONSE).from("b").to("a").replyTo("req-1").createdAt(NOW).build();
    assertThat(codec.encode(response, null, 1, NOW).properties().getCorrelationId()).isEqualTo("req-1");
  }

  @Test
  void whatPravalSendsIsReadWithNaiveTimestampsAsUtcAndNoReefHeaders() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("spore_id", "6f1c1b8e-6a8e-4a57-9a51-0d7f3f7f2a10");
    headers.put("spore_type", "request");
    headers.put("from_agent", "praval_client");
    headers.put("to_agent", "reef_worker");
    headers.put("created_at", "2026-03-01T10:00:00.123456");
    headers.put("expires_at", "2026-03-01T10:05:00");
    headers.put("priority", "5");
    headers.put("reply_to", "");
    headers.put("version", "1.0");

    SporeCodec.Decoded decoded = codec.decode(
        received(new AMQP.BasicProperties.Builder().headers(headers).build()),
        "{\"task\": \"sum\", \"values\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8));

    assertThat(decoded).isInstanceOf(SporeCodec.Decoded.Valid.class);
    Spore spore = ((SporeCodec.Decoded.Valid) decoded).spore();
    assertThat(spore.id()).isEqualTo("6f1c1b8e-6a8e-4a57-9a51-0d7f3f7f2a10");
    assertThat(spore.type()).isEqualTo(SporeType.REQUEST);
    assertThat(spore.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00.123456Z"));
    assertThat(spore.expiresAt()).isEqualTo(Instant.parse("2026-03-01T10:05:00Z"));
    assertThat(spore.knowledge().getString("task")).isEqualTo("sum");
    assertThat(spore.metadata().isEmpty()).isTrue();
    assertThat(spore.knowledgeReferences()).isEmpty();
    assertThat(((SporeCodec.Decoded.Valid) decoded).replyAddress()).isNull();
  }

  @Test
  void everyMalformedMessageGivesAReasonInsteadOfAnException() {
    Spore spore = fullSpore();
    SporeCodec.Encoded good = codec.encode(spore, null, 1, NOW);
    byte[] body = good.body();

    assertThat(reason(good.properties(), "not json".getBytes(StandardCharsets.UTF_8))).startsWith("body is not JSON");
    assertThat(reason(good.properties(), "[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("knowledge must be a JSON object or null, got an array");
    assertThat(reason(good.properties(), "{\"a\":1} trailing".getBytes(StandardCharsets.UTF_8)))
        .startsWith("body is not JSON");
    assertThat(reason(good.properties(), new byte[0])).startsWith("body is empty");
    assertThat(reason(good.properties(), new byte[] {(byte) 0xC3, 0x28})).startsWith("body is not JSON");
    assertThat(reason(new AMQP.BasicProperties(), body)).startsWith("message has no headers");
    assertThat(reason(without(good.properties(), "spore_type"), body)).isEqualTo("header 'spore_type' is missing");
    assertThat(reason(without(good.properties(), "created_at"), body)).isEqualTo("header 'created_at' is missing");
    assertThat(reason(with(good.properties(), "priority", 5), body))
        .isEqualTo("header 'priority' must be a string, got Integer (5)");
    assertThat(reason(with(good.properties(), "priority", "high"), body))
        .isEqualTo("header 'priority' must be a decimal integer, got 'high'");
    assertThat(reason(with(good.properties(), "priority", "11"), body)).contains("priority").contains("11");
    assertThat(reason(with(good.properties(), "spore_type", "gossip"), body)).contains("unknown spore_type 'gossip'");
    assertThat(reason(with(good.properties(), "created_at", "yesterday"), body))
        .contains("created_at").contains("not an ISO-8601 timestamp");
    assertThat(reason(with(good.properties(), "spore_id", "42"), body)).contains("is not a UUID");
    assertThat(reason(with(good.properties(), "metadata", "[1]"), body))
        .isEqualTo("header 'metadata': expected a JSON object, got an array");
    assertThat(reason(with(good.properties(), "knowledge_references", "[1]"), body))
        .startsWith("header 'knowledge_references' must hold a JSON array of strings");
    assertThat(reason(with(good.properties(), "version", "2.0"), body)).contains("only 1.x is understood");
    assertThat(reason(with(good.properties(), SporeCodec.ATTEMPT, "0"), body)).contains("at least 1");
    assertThat(reason(good.properties(), new byte[1025])).isEqualTo("body of 1025 bytes exceeds the limit of 1024 bytes");
  }

  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void theTraceparentInTheMetadataAlsoTravelsAsAHeader() {
    Spore spore = fullSpore().toBuilder().metadata("traceparent", TRACEPARENT).build();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, NOW);

    assertThat(encoded.properties().getHeaders()).containsEntry("traceparent", TRACEPARENT);
    Spore decoded = ((SporeCodec.Decoded.Valid) codec.decode(received(encoded.properties()), encoded.body())).spore();
    assertThat(decoded).isEqualTo(spore);
  }

  @Test
  void aSporeWithoutTraceHasNoTraceparentHeader() {
    assertThat(codec.encode(fullSpore(), null, 1, NOW).properties().getHeaders()).doesNotContainKey("traceparent");
  }

  @Test
  void aForeignPublishersTraceparentHeaderIsTakenIntoTheMetadata() {
    Spore spore = fullSpore();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, NOW);

    // A publisher that knows W3C headers but not Reef's metadata: no metadata header at all.
    AMQP.BasicProperties foreign = with(without(encoded.properties(), "metadata"), "traceparent", TRACEPARENT);
    Spore decoded = ((SporeCodec.Decoded.Valid) codec.decode(received(foreign), encoded.body())).spore();
    assertThat(decoded.metadata().getString("traceparent")).isEqualTo(TRACEPARENT);

    // Metadata without a traceparent: the header is added beside the other fields.
    AMQP.BasicProperties withMetadata = with(encoded.properties(), "traceparent", TRACEPARENT);
    decoded = ((SporeCodec.Decoded.Valid) codec.decode(received(withMetadata), encoded.body())).spore();
    assertThat(decoded.metadata().getString("traceparent")).isEqualTo(TRACEPARENT);
    assertThat(decoded.metadata().get("trace").path("id").asText()).isEqualTo("abc");
  }

  @Test
  void theMetadatasTraceparentWinsOverADifferentHeader() {
    Spore spore = fullSpore().toBuilder().metadata("traceparent", TRACEPARENT).build();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, NOW);
    String other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    AMQP.BasicProperties rewritten = with(encoded.properties(), "traceparent", other);
    Spore decoded = ((SporeCodec.Decoded.Valid) codec.decode(received(rewritten), encoded.body())).spore();
    assertThat(decoded.metadata().getString("traceparent")).isEqualTo(TRACEPARENT);
  }

  @Test
  void aTraceparentHeaderOfAnotherTypeIsIgnoredNotFatal() {
    SporeCodec.Encoded encoded = codec.encode(fullSpore(), null, 1, NOW);
    AMQP.BasicProperties odd = with(encoded.properties(), "traceparent", 42);

    SporeCodec.Decoded decoded = codec.decode(received(odd), encoded.body());
    assertThat(decoded).isInstanceOf(SporeCodec.Decoded.Valid.class);
    assertThat(((SporeCodec.Decoded.Valid) decoded).spore().metadata().has("traceparent")).isFalse();
  }

  @Test
  void retryDelaysAreRoundedUpToTwoSignificantDigits() {
    assertThat(Retries.bucket(0)).isZero();
    assertThat(Retries.bucket(7)).isEqualTo(7);
    assertThat(Retries.bucket(100)).isEqualTo(100);
    assertThat(Retries.bucket(101)).isEqualTo(110);
    assertThat(Retries.bucket(1234)).isEqualTo(1300);
    assertThat(Retries.bucket(5000)).isEqualTo(5000);
    assertThat(Retries.bucket(Duration.ofMinutes(1).toMillis() + 1)).isEqualTo(61_000);
  }

  private String reason(AMQP.BasicProperties properties, byte[] body) {
    SporeCodec.Decoded decoded = codec.decode(received(properties), body);
    assertThat(decoded).as("decoding %s", properties.getHeaders()).isInstanceOf(SporeCodec.Decoded.Malformed.class);
    return ((SporeCodec.Decoded.Malformed) decoded).reason();
  }

  /** As the client hands a delivery over: string headers arrive as LongStrings. */
  private static AMQP.BasicProperties received(AMQP.BasicProperties sent) {
    if (sent.getHeaders() == null) {
      return sent;
    }
    Map<String, Object> headers = new HashMap<>();
    sent.getHeaders().forEach((key, value) ->
        headers.put(key, value instanceof String text ? LongStringHelper.asLongString(text) : value));
    return sent.builder().headers(headers).build();
  }

  private static AMQP.BasicProperties without(AMQP.BasicProperties properties, String header) {
    Map<String, Object> headers = new HashMap<>(properties.getHeaders());
    headers.remove(header);
    return properties.builder().headers(headers).build();
  }

  private static AMQP.BasicProperties with(AMQP.BasicProperties properties, String header, Object value) {
    Map<String, Object> headers = new HashMap<>(properties.getHeaders());
    headers.put(header, value);
    return properties.builder().headers(headers).build();
  }
}
