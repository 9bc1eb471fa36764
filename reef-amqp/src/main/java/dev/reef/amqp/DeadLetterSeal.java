package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The integrity check of dead letters (SPEC §8): the Reef that writes a dead letter seals it with an
 * HMAC-SHA256, under a key every Reef of the namespace shares, over its body, every header a reader
 * acts on and the properties {@code message_id}, {@code reply_to}, {@code correlation_id} and {@code
 * user_id}; the seal travels as the header {@value #HEADER}. Headers the broker adds ({@code x-death},
 * {@code x-delivery-count}, ... : {@code x-} names other than Reef's old {@code x-reef-*}) and the
 * publisher's sequence number are not sealed.
 *
 * <p>Reading: with a key, a letter verifies when its seal matches; a wrong seal is {@link
 * DeadLetter.Integrity#TAMPERED}, a missing one {@link DeadLetter.Integrity#UNVERIFIED}. Without a
 * key, a letter verifies only when the broker-checked user who wrote it ({@code user_id}) is this
 * connection's own user, which the broker does not let anyone else claim; seals are then not read.
 */
final class DeadLetterSeal {
  /** The header that holds the seal. */
  static final String HEADER = "reef_dead_seal";
  /** The environment variable that holds the key itself, when no key file is configured. */
  static final String KEY_ENV = "REEF_DEAD_LETTER_KEY";
  /** The shortest key accepted, in bytes. */
  static final int MIN_KEY_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key; // null: no key
  private final String ownUser;

  private DeadLetterSeal(byte[] key, String ownUser) {
    this.key = key == null ? null : new SecretKeySpec(key, ALGORITHM);
    this.ownUser = ownUser;
  }

  /**
   * The seal {@code options} configure: the key file {@link AmqpOption#DEAD_LETTER_KEY}, else the key
   * in {@value #KEY_ENV}, else none.
   *
   * @param ownUser this connection's login
   * @throws IllegalArgumentException when the key cannot be read or is too short (never quoting it)
   */
  static DeadLetterSeal of(AmqpOptions options, String ownUser) {
    return of(options.get(AmqpOption.DEAD_LETTER_KEY), System.getenv(KEY_ENV), ownUser);
  }

  static DeadLetterSeal of(Path keyFile, String keyFromEnvironment, String ownUser) {
    byte[] key = null;
    String source = null;
    if (keyFile != null) {
      try {
        key = trim(Files.readAllBytes(keyFile));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the dead-letter key file " + keyFile + " ("
            + AmqpOption.DEAD_LETTER_KEY.key() + "): " + e.getClass().getSimpleName(), e);
      }
      source = "the file " + keyFile;
    } else if (keyFromEnvironment != null && !keyFromEnvironment.isBlank()) {
      key = keyFromEnvironment.trim().getBytes(StandardCharsets.UTF_8);
      source = "the environment variable " + KEY_ENV;
    }
    if (key != null && key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the dead-letter key in " + source + " is " + key.length + " bytes long; it"
          + " must have at least " + MIN_KEY_BYTES + " (e.g. `head -c 32 /dev/urandom | base64`)");
    }
    return new DeadLetterSeal(key, ownUser);
  }

  /** True when a key is configured. */
  boolean hasKey() {
    return key != null;
  }

  /**
   * Seals a dead letter about to be written: returns {@code headers} with the seal added, for a
   * message with these {@code properties} (whose headers are ignored) and {@code body}. Without a
   * key, {@code headers} as they are.
   */
  Map<String, Object> seal(Map<String, Object> headers, AMQP.BasicProperties properties, byte[] body) {
    if (key == null) {
      return headers;
    }
    headers.put(HEADER, mac(headers, properties, body));
    return headers;
  }

  /** Whether a message of the dead-letter queue is what a Reef of the namespace wrote. */
  DeadLetter.Integrity check(AMQP.BasicProperties properties, byte[] body) {
    Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    if (key == null) {
      return ownUser != null && ownUser.equals(properties.getUserId()) ? DeadLetter.Integrity.VERIFIED
          : DeadLetter.Integrity.UNVERIFIED;
    }
    String seal = WireFields.text(headers.get(HEADER));
    if (seal == null) {
      return DeadLetter.Integrity.UNVERIFIED;
    }
    byte[] expected = mac(headers, properties, body).getBytes(StandardCharsets.US_ASCII);
    byte[] found = seal.getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, found) ? DeadLetter.Integrity.VERIFIED : DeadLetter.Integrity.TAMPERED;
  }

  private String mac(Map<String, Object> headers, AMQP.BasicProperties properties, byte[] body) {
    Canonical canonical = new Canonical();
    canonical.text("reef-dead-letter-v1");
    TreeMap<String, Object> sealed = new TreeMap<>();
    headers.forEach((name, value) -> {
      if (isSealed(name)) {
        sealed.put(name, value);
      }
    });
    canonical.value(sealed);
    canonical.value(properties.getMessageId());
    canonical.value(properties.getReplyTo());
    canonical.value(properties.getCorrelationId());
    canonical.value(properties.getUserId());
    canonical.value(body == null ? new byte[0] : body);
    try {
      Mac hmac = Mac.getInstance(ALGORITHM);
      hmac.init(key);
      return Base64.getEncoder().encodeToString(hmac.doFinal(canonical.bytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has " + ALGORITHM, e);
    }
  }

  private static boolean isSealed(String name) {
    return !name.equals(HEADER) && !name.equals(OutgoingMessage.SEQUENCE_HEADER)
        && (!name.startsWith("x-") || name.startsWith("x-reef-"));
  }

  private static byte[] trim(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * An unambiguous byte form of header values as the client reads them back: each value a type tag
   * and a length-prefixed body; tables sorted by name, so that their order on the wire does not matter.
   */
  private static final class Canonical {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void text(String text) {
      tagged('S', text.getBytes(StandardCharsets.UTF_8));
    }

    void value(Object value) {
      String asText = WireFields.text(value);
      if (value == null) {
        out.write('0');
      } else if (asText != null) {
        text(asText);
      } else if (value instanceof byte[] bytes) {
        tagged('B', bytes);
      } else if (value instanceof Number number && !(value instanceof BigDecimal)) {
        tagged('N', Long.toString(number.longValue()).getBytes(StandardCharsets.US_ASCII));
      } else if (value instanceof BigDecimal decimal) {
        tagged('D', decimal.toPlainString().getBytes(StandardCharsets.US_ASCII));
      } else if (value instanceof Boolean bool) {
        tagged('Z', bool ? new byte[] {1} : new byte[] {0});
      } else if (value instanceof Date date) {
        tagged('T', Long.toString(date.getTime() / 1000).getBytes(StandardCharsets.US_ASCII));
      } else if (value instanceof Map<?, ?> map) {
        TreeMap<String, Object> sorted = new TreeMap<>();
        map.forEach((name, inner) -> sorted.put(String.valueOf(name), inner));
        out.write('M');
        length(sorted.size());
        sorted.forEach((name, inner) -> {
          text(name);
          value(inner);
        });
      } else if (value instanceof List<?> list) {
        out.write('L');
        length(list.size());
        list.forEach(this::value);
      } else {
        tagged('O', String.valueOf(value).getBytes(StandardCharsets.UTF_8));
      }
    }

    private void tagged(char tag, byte[] bytes) {
      out.write(tag);
      length(bytes.length);
      out.writeBytes(bytes);
    }

    private void length(int length) {
      out.write(length >>> 24);
      out.write(length >>> 16);
      out.write(length >>> 8);
      out.write(length);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
