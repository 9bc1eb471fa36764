package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import dev.reef.DeadLetter;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dead letters on the wire: Reef's own header names, and the x-reef-dead-* ones written before still read. */
class DeadLetterFormatTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00.123456Z");
  private final SporeCodec codec = new SporeCodec(1024);

  @Test
  void theReasonHeadersAreReefsOwnAndReadBack() {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("a").to("b").knowledge(Map.of("n", 1)).createdAt(NOW).build();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 2, NOW);
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    DeadLetterFormat.addReason(headers, "main", "b", "IllegalStateException: no", 2, "alice");

    assertThat(headers.keySet()).allSatisfy(name -> assertThat(name).doesNotStartWith("x-"));
    DeadLetterFormat.Entry entry = DeadLetterFormat.read(encoded.properties().builder().headers(headers)
        .replyTo("ns.reply.r1").build(), encoded.body(), codec);
    assertThat(entry.baseId()).as("a spore's dead letter goes by its spore id").isEqualTo(spore.id());
    assertThat(entry.agent()).isEqualTo("b");
    DeadLetter letter = entry.letter().id(entry.baseId()).build();
    assertThat(letter.spore()).contains(spore);
    assertThat(letter.replyAddress()).contains("ns.reply.r1");
    assertThat(letter.publisher()).contains("alice");
    assertThat(letter.channel()).isEqualTo("main");
    assertThat(letter.agent()).isEqualTo("b");
    assertThat(letter.error()).isEqualTo("IllegalStateException: no");
    assertThat(letter.attempts()).isEqualTo(2);
  }

  @Test
  void aDeadLetterWrittenWithTheOldHeaderNamesIsStillRead() {
    Map<String, Object> headers = new HashMap<>();
    headers.put("x-reef-dead-id", "old-1");
    headers.put("x-reef-dead-error", "body is not JSON");
    headers.put("x-reef-dead-attempts", "0");
    headers.put("x-reef-dead-agent", "eater");
    headers.put("x-reef-dead-channel", "main");
    headers.put("x-reef-dead-at", "2026-03-01T10:00:00.123456+00:00");

    DeadLetterFormat.Entry entry = DeadLetterFormat.read(new AMQP.BasicProperties.Builder().headers(headers).build(),
        "not json".getBytes(StandardCharsets.UTF_8), codec);
    DeadLetter letter = entry.letter().id(entry.baseId()).build();

    assertThat(entry.baseId()).as("a message that is not a spore goes by its own id").isEqualTo("old-1");
    assertThat(letter.error()).isEqualTo("body is not JSON");
    assertThat(letter.agent()).isEqualTo("eater");
    assertThat(letter.channel()).isEqualTo("main");
    assertThat(letter.deadLetteredAt()).isEqualTo(NOW);
    assertThat(letter.spore()).isEmpty();
    assertThat(letter.rawPayload()).contains("not json");
  }
}
