package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.DeadLetter;
import dev.reef.spore.Spore;
import dev.reef.spore.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a dead letter is written on the wire: the spore's own message (its {@code reply_to} property
 * still the request's reply address), or, for a message that was not a spore, the raw message, with
 * headers saying why: {@value #ERROR}, {@value #ATTEMPTS}, {@value #AGENT}, {@value #CHANNEL},
 * {@value #AT}, and the broker-verified user who published the original, {@value #PUBLISHER}. A
 * message that was not a spore also gets an id, {@value #ID}; a spore's dead letter goes by its
 * spore id. RabbitMQ 4 reserves {@code x-} headers, so these are Reef's own names; the {@code
 * x-reef-dead-*} names written before are still read.
 */
final class DeadLetterFormat {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFormat.class);
  private static final String PREFIX = "reef_dead_";
  private static final String LEGACY_PREFIX = "x-reef-dead-";

  static final String ID = "reef_dead_id";
  static final String ERROR = "reef_dead_error";
  static final String ATTEMPTS = "reef_dead_attempts";
  static final String AGENT = "reef_dead_agent";
  static final String CHANNEL = "reef_dead_channel";
  static final String AT = "reef_dead_at";
  static final String PUBLISHER = "reef_dead_publisher";
  static final String ORIGINAL_SIZE = "reef_dead_original_size";

  /** How much of an oversized body a dead letter keeps: enough to see what it was. */
  static final int KEPT_BODY_BYTES = 64 * 1024;
  /** How much of an undecodable body {@link DeadLetter#rawPayload()} shows. */
  static final int SHOWN_PAYLOAD_CHARS = 4096;
  /** What a dead letter that does not say its channel or agent shows instead. */
  static final String UNKNOWN = "unknown";

  private DeadLetterFormat() {}

  /**
   * What one message of the dead-letter queue holds, before the scan gives it its id.
   *
   * @param baseId its spore's id, or for a message that was not a spore its own id
   * @param agent the agent that gave up on it
   * @param letter the dead letter, all but its id set
   */
  record Entry(String baseId, String agent, DeadLetter.Builder letter) {}

  /**
   * Adds the reason headers.
   *
   * @param publisher the broker-verified user who published the original message, or null
   */
  static void addReason(Map<String, Object> headers, String channel, String agent, String error, int attempts,
      String publisher) {
    headers.put(ERROR, error);
    headers.put(ATTEMPTS, Integer.toString(attempts));
    headers.put(AGENT, agent);
    headers.put(CHANNEL, channel);
    headers.put(AT, Timestamps.format(Instant.now()));
    if (publisher != null) {
      headers.put(PUBLISHER, publisher);
    }
  }

  /** A fresh id for a message that is not a spore: it has no spore id to go by. */
  static String newId() {
    return UUID.randomUUID().toString();
  }

  /** What a message of the dead-letter queue holds. */
  static Entry read(AMQP.BasicProperties properties, byte[] body, SporeCodec codec) {
    SporeCodec.Decoded decoded = codec.decode(properties, body);
    Spore spore = decoded instanceof SporeCodec.Decoded.Valid valid ? valid.spore() : null;
    String id = spore != null ? spore.id() : header(properties, ID);
    if (id == null) {
      id = properties.getMessageId() != null ? properties.getMessageId() : UNKNOWN;
    }
    String error = header(properties, ERROR);
    if (error == null && decoded instanceof SporeCodec.Decoded.Malformed malformed) {
      error = malformed.reason();
    }
    String agent = orUnknown(header(properties, AGENT));
    String replyAddress = properties.getReplyTo() == null || properties.getReplyTo().isEmpty() ? null
        : properties.getReplyTo();
    return new Entry(id, agent, DeadLetter.builder()
        .spore(spore)
        .rawPayload(spore != null ? null : preview(body))
        .channel(orUnknown(header(properties, CHANNEL)))
        .agent(agent)
        .error(error == null ? UNKNOWN : error)
        .attempts(attempts(header(properties, ATTEMPTS)))
        .deadLetteredAt(deadLetteredAt(properties))
        .replyAddress(replyAddress)
        .publisher(header(properties, PUBLISHER)));
  }

  /** A string header of a dead letter under its name, or its old {@code x-reef-dead-*} name; else null. */
  static String header(AMQP.BasicProperties properties, String name) {
    Map<String, Object> headers = properties.getHeaders();
    if (headers == null) {
      return null;
    }
    Object value = headers.get(name);
    if (value == null && name.startsWith(PREFIX)) {
      value = headers.get(LEGACY_PREFIX + name.substring(PREFIX.length()).replace('_', '-'));
    }
    return WireFields.text(value);
  }

  private static Instant deadLetteredAt(AMQP.BasicProperties properties) {
    String at = header(properties, AT);
    if (at != null) {
      try {
        return Timestamps.parse(at);
      } catch (IllegalArgumentException e) {
        LOG.debug("dead letter with an unreadable time '{}'", at);
      }
    }
    Date timestamp = properties.getTimestamp();
    return timestamp == null ? Instant.EPOCH : timestamp.toInstant();
  }

  private static int attempts(String text) {
    if (text == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(text));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String orUnknown(String value) {
    return value == null || value.isEmpty() ? UNKNOWN : value;
  }

  private static String preview(byte[] body) {
    if (body == null) {
      return "";
    }
    String text = new String(body, 0, Math.min(body.length, SHOWN_PAYLOAD_CHARS * 4), StandardCharsets.UTF_8);
    return text.length() <= SHOWN_PAYLOAD_CHARS ? text : text.substring(0, SHOWN_PAYLOAD_CHARS) + "...";
  }
}
