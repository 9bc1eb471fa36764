package dev.reef.amqp;

import com.rabbitmq.stream.Message;
import com.rabbitmq.stream.Properties;
import dev.reef.HistoryEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads the messages of a channel's stream back as spores. RabbitMQ stores an AMQP 0.9.1 message in a
 * stream with its headers as application properties and its properties as AMQP 1.0 properties, so a
 * stored spore is decoded by the same {@link SporeCodec} as a delivered one (SPEC §4).
 */
final class StreamMessages {
  private final SporeCodec codec;

  StreamMessages(SporeCodec codec) {
    this.codec = codec;
  }

  /** The entry a stored message is, or the reason it is not a spore. */
  sealed interface Read {
    /** A spore. */
    record Entry(HistoryEntry entry) implements Read {}

    /** Not a spore, and why. */
    record Malformed(String reason) implements Read {}
  }

  /**
   * Decodes the message at {@code offset}, stored at {@code timestampMillis} (its chunk's time, the
   * broker's clock).
   */
  Read read(long offset, long timestampMillis, Message message) {
    Properties stored = message.getProperties();
    String replyTo = stored == null ? null : stored.getReplyTo();
    String userId = stored == null || stored.getUserId() == null ? null
        : new String(stored.getUserId(), StandardCharsets.UTF_8);
    SporeCodec.Decoded decoded = codec.decode(message.getApplicationProperties(), replyTo, userId,
        message.getBodyAsBinary());
    if (decoded instanceof SporeCodec.Decoded.Valid valid) {
      return new Read.Entry(new HistoryEntry(offset, Instant.ofEpochMilli(timestampMillis), valid.spore()));
    }
    return new Read.Malformed(((SporeCodec.Decoded.Malformed) decoded).reason());
  }
}
