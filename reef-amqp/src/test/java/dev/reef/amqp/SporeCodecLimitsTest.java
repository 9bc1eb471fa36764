package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the wire can carry, and who published it: the codec's edges that the fuzzing found or relies on. */
class SporeCodecLimitsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private final SporeCodec codec = new SporeCodec(1024, "agent-user", JsonMapping.defaults());

  private static Spore.Builder knowledge() {
    return Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").createdAt(NOW);
  }

  @Test
  void thePublishersLoginTravelsAsUserIdAndComesBackBesideTheSpore() {
    Spore spore = knowledge().knowledge(Map.of("n", 1)).build();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, NOW);

    SporeCodec.Decoded.Valid valid = (SporeCodec.Decoded.Valid) codec.decode(
        SporeCodecFuzzTest.wire(encoded.properties()), encoded.body());

    assertThat(encoded.properties().getUserId()).isEqualTo("agent-user");
    assertThat(valid.userId()).isEqualTo("agent-user");
    assertThat(valid.spore()).as("the spore itself is untouched").isEqualTo(spore);
    assertThat(new SporeCodec(1024).encode(spore, null, 1, NOW).properties().getUserId()).isNull();
  }

  @Test
  void aSenderCannotPassAnythingForTheVerifiedUser() {
    // Headers and metadata are the sender's to write: none of them is taken for the user.
    Spore spore = knowledge().metadata(Map.of("user_id", "admin", "userId", "admin")).build();
    SporeCodec.Encoded encoded = new SporeCodec(1024).encode(spore, null, 1, NOW);
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    headers.put("user_id", "admin");
    AMQP.BasicProperties forged = encoded.properties().builder().headers(headers).build();

    SporeCodec.Decoded.Valid valid = (SporeCodec.Decoded.Valid) codec.decode(SporeCodecFuzzTest.wire(forged),
        encoded.body());

    assertThat(valid.userId()).isNull();
  }

  @Test
  void unpairedSurrogatesSurviveTheWireAsEscapes() {
    Spore spore = knowledge().knowledge(Map.of("text", "a\uD800b", "pair", "\uD83D\uDE00"))
        .metadata(Map.of("lone", "\uDC00")).knowledgeReferences(List.of("\uD800")).build();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, NOW);

    SporeCodec.Decoded decoded = codec.decode(SporeCodecFuzzTest.wire(encoded.properties()), encoded.body());

    assertThat(new String(encoded.body(), StandardCharsets.UTF_8)).contains("a\\ud800b").contains("\uD83D\uDE00");
    assertThat(((SporeCodec.Decoded.Valid) decoded).spore()).isEqualTo(spore);
    assertThat(SporeCodec.escapeLoneSurrogates("plain")).isSameAs("plain");
  }

  @Test
  void aSporeExpiringBeyondTheBrokersLongestTtlTravelsWithoutOne() {
    // RabbitMQ closes the channel for an expiration above ten years; Reef still drops the spore on expiry.
    Spore soon = knowledge().expiresAt(NOW.plusSeconds(30)).build();
    Spore late = knowledge().expiresAt(NOW.plus(Duration.ofDays(3651))).build();

    assertThat(codec.encode(soon, null, 1, NOW).properties().getExpiration()).isEqualTo("30000");
    assertThat(codec.encode(late, null, 1, NOW).properties().getExpiration()).isNull();
    assertThat(codec.encode(late, null, 1, NOW).properties().getHeaders()).containsKey("expires_at");
  }

  @Test
  void timesOutsideYearsOneTo9999AreRefusedBothWays() {
    Spore farFuture = knowledge().expiresAt(Instant.parse("+10000-01-01T00:00:00Z")).build();
    Spore beforeYearOne = knowledge().createdAt(Instant.parse("0000-12-31T23:59:59Z")).build();

    assertThatThrownBy(() -> codec.encode(farFuture, null, 1, NOW))
        .isInstanceOf(InvalidSporeException.class).hasMessageContaining("expires_at").hasMessageContaining("1 to 9999");
    assertThatThrownBy(() -> codec.encode(beforeYearOne, null, 1, NOW))
        .isInstanceOf(InvalidSporeException.class).hasMessageContaining("created_at");

    SporeCodec.Encoded encoded = codec.encode(knowledge().build(), null, 1, NOW);
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    headers.put("created_at", "+999999999-12-31T23:59:59.999999+00:00");
    SporeCodec.Decoded decoded = codec.decode(
        SporeCodecFuzzTest.wire(encoded.properties().builder().headers(headers).build()), encoded.body());
    assertThat(decoded).isInstanceOf(SporeCodec.Decoded.Malformed.class);
    assertThat(((SporeCodec.Decoded.Malformed) decoded).reason())
        .contains("created_at").contains("outside the years 1 to 9999");
  }
}
