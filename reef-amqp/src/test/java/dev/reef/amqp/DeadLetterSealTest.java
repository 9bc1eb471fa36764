package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.reef.DeadLetter.Integrity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead letters' integrity check: what it covers, what breaks it, and the check without a key. */
class DeadLetterSealTest {
  private static final String KEY = "0123456789abcdef0123456789abcdef-namespace-key";
  private static final byte[] BODY = "{\"order\":7}".getBytes(StandardCharsets.UTF_8);

  private final DeadLetterSeal seal = DeadLetterSeal.of(null, KEY, "reef-svc");

  /** A dead letter as the broker hands it back: strings as LongStrings, and headers the broker adds. */
  private static AMQP.BasicProperties asRead(AMQP.BasicProperties written) {
    Map<String, Object> headers = new HashMap<>();
    written.getHeaders().forEach((name, value) -> headers.put(name,
        value instanceof String text ? LongStringHelper.asLongString(text) : value));
    headers.put("x-death", List.of(Map.of("count", 1L, "reason", LongStringHelper.asLongString("rejected"))));
    headers.put(OutgoingMessage.SEQUENCE_HEADER, 42L);
    return written.builder().headers(headers).build();
  }

  private AMQP.BasicProperties written(DeadLetterSeal sealing, Map<String, Object> headers, String replyTo) {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId("s-1").replyTo(replyTo)
        .userId("reef-svc").build();
    return properties.builder().headers(sealing.seal(new HashMap<>(headers), properties, BODY)).build();
  }

  private static Map<String, Object> headers() {
    Map<String, Object> headers = new HashMap<>();
    headers.put("spore_id", "s-1");
    headers.put("from_agent", "client");
    headers.put("to_agent", "worker");
    headers.put(DeadLetterFormat.AGENT, "worker");
    headers.put(DeadLetterFormat.CHANNEL, "main");
    headers.put(DeadLetterFormat.ERROR, "IllegalStateException: no");
    return headers;
  }

  @Test
  void aSealedLetterVerifiesAsTheBrokerHandsItBackWithHeadersItAdded() {
    AMQP.BasicProperties properties = asRead(written(seal, headers(), "ns.reply.r1"));

    assertThat(properties.getHeaders().get(DeadLetterSeal.HEADER)).isInstanceOf(LongString.class);
    assertThat(seal.check(properties, BODY)).isEqualTo(Integrity.VERIFIED);
    assertThat(DeadLetterSeal.of(null, KEY, "another-user").check(properties, BODY))
        .as("another Reef of the namespace, logged in as another user, with the same key")
        .isEqualTo(Integrity.VERIFIED);
  }

  @Test
  void changingTheBodyAHeaderTheReplyAddressOrTheWriterBreaksTheSeal() {
    AMQP.BasicProperties properties = asRead(written(seal, headers(), "ns.reply.r1"));
    Map<String, Object> forgedSender = new HashMap<>(properties.getHeaders());
    forgedSender.put("from_agent", LongStringHelper.asLongString("admin"));
    Map<String, Object> addedLegacyHeader = new HashMap<>(properties.getHeaders());
    addedLegacyHeader.put("x-reef-dead-publisher", "alice");

    assertThat(seal.check(properties, "{\"order\":8}".getBytes(StandardCharsets.UTF_8))).isEqualTo(Integrity.TAMPERED);
    assertThat(seal.check(properties.builder().headers(forgedSender).build(), BODY)).isEqualTo(Integrity.TAMPERED);
    assertThat(seal.check(properties.builder().headers(addedLegacyHeader).build(), BODY))
        .as("a header Reef reads under its old name").isEqualTo(Integrity.TAMPERED);
    assertThat(seal.check(properties.builder().replyTo("ns.reply.r2").build(), BODY)).isEqualTo(Integrity.TAMPERED);
    assertThat(seal.check(properties.builder().userId("mallory").build(), BODY)).isEqualTo(Integrity.TAMPERED);
  }

  @Test
  void aLetterWithoutASealOrSealedWithAnotherKeyIsNotVerified() {
    AMQP.BasicProperties unsealed = asRead(written(DeadLetterSeal.of(null, null, "reef-svc"), headers(), null));
    AMQP.BasicProperties otherKey = asRead(written(DeadLetterSeal.of(null, KEY.replace('0', '1'), "reef-svc"),
        headers(), null));

    assertThat(seal.check(unsealed, BODY)).isEqualTo(Integrity.UNVERIFIED);
    assertThat(seal.check(otherKey, BODY)).isEqualTo(Integrity.TAMPERED);
  }

  @Test
  void withoutAKeyOnlyLettersWrittenByThisUserVerify() {
    DeadLetterSeal keyless = DeadLetterSeal.of(null, null, "reef-svc");
    AMQP.BasicProperties ours = asRead(written(keyless, headers(), null));

    assertThat(keyless.hasKey()).isFalse();
    assertThat(keyless.check(ours, BODY)).isEqualTo(Integrity.VERIFIED);
    assertThat(keyless.check(ours.builder().userId("mallory").build(), BODY)).isEqualTo(Integrity.UNVERIFIED);
    assertThat(keyless.check(ours.builder().userId(null).build(), BODY)).isEqualTo(Integrity.UNVERIFIED);
  }

  @Test
  void theKeyIsReadFromAFileOrTheEnvironmentAndAShortOneIsRefusedWithoutQuotingIt(@TempDir Path directory)
      throws Exception {
    Path file = directory.resolve("dead-letter.key");
    Files.writeString(file, KEY + "\n");
    AMQP.BasicProperties sealedWithFile = asRead(written(DeadLetterSeal.of(file, null, "u"), headers(), null));
    Files.writeString(file, "too-short-secret");

    assertThat(seal.check(sealedWithFile, BODY)).as("the file's key, its newline trimmed").isEqualTo(Integrity.VERIFIED);
    assertThatThrownBy(() -> DeadLetterSeal.of(file, null, "u")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32").hasMessageContaining(file.toString()).hasMessageNotContaining("too-short");
    assertThatThrownBy(() -> DeadLetterSeal.of(null, "too-short-secret", "u"))
        .hasMessageContaining(DeadLetterSeal.KEY_ENV).hasMessageNotContaining("too-short-secret");
    assertThatThrownBy(() -> DeadLetterSeal.of(directory.resolve("missing"), null, "u"))
        .hasMessageContaining("dead_letter_key");
  }
}
