package dev.reef.amqp;

import static dev.reef.amqp.WireFields.abbreviate;
import static dev.reef.amqp.WireFields.emptyToNull;
import static dev.reef.amqp.WireFields.integer;
import static dev.reef.amqp.WireFields.isWireTime;
import static dev.reef.amqp.WireFields.knowledge;
import static dev.reef.amqp.WireFields.optional;
import static dev.reef.amqp.WireFields.required;
import static dev.reef.amqp.WireFields.strings;
import static dev.reef.amqp.WireFields.timestamp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BasicProperties;
import dev.reef.amqp.WireFields.MalformedException;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AMQP wire format of SPEC §4: a spore as one message, and back.
 *
 * <p>The body is the knowledge as UTF-8 JSON ({@code null} when absent); the spore's fields travel as
 * string headers that Praval 0.8 reads and writes, and Reef's own ({@code metadata}, the references,
 * {@code caused_by}, {@code traceparent}) only when they hold something. Decoding is tolerant of what
 * Praval sends (naive timestamps, no Reef headers) and strict about everything else ({@link
 * WireFields}): any problem of the input yields a {@link Decoded.Malformed} with a reason, never an
 * exception; a bug in the decoder surfaces as one. Reef's own headers do not start with {@code x-},
 * which RabbitMQ 4 reserves ({@code x-reef-attempt}, written before, is still read).
 *
 * <p>Beyond SPEC §4, the {@code user_id} property carries the publishing connection's login, which
 * RabbitMQ verifies (it refuses a publish whose {@code user_id} is another user's). The decoder hands
 * it on beside the spore, never inside it: a spore stays exactly what its sender made, and nothing a
 * sender writes (headers, metadata, body) can pass for it.
 */
final class SporeCodec {
  static final String SPORE_ID = "spore_id";
  static final String SPORE_TYPE = "spore_type";
  static final String FROM_AGENT = "from_agent";
  static final String TO_AGENT = "to_agent";
  static final String CREATED_AT = "created_at";
  static final String EXPIRES_AT = "expires_at";
  static final String PRIORITY = "priority";
  static final String REPLY_TO = "reply_to";
  static final String VERSION = "version";
  static final String METADATA = "metadata";
  static final String KNOWLEDGE_REFERENCES = "knowledge_references";
  static final String DATA_REFERENCES = "data_references";
  /**
   * The W3C trace context (SPEC §7), written beside the metadata that holds it so that tracing
   * middleware and foreign publishers, which know headers but not Reef's metadata, can follow a chain.
   */
  static final String TRACEPARENT = "traceparent";
  /** The id of the spore whose handler sent this one (SPEC §3.15); absent when none. */
  static final String CAUSED_BY = "caused_by";
  /** Reef-internal: the attempt number, written only after a retry (absent means 1). */
  static final String ATTEMPT = "reef_attempt";
  /** What {@link #ATTEMPT} was called before RabbitMQ 4 reserved {@code x-} headers; still read. */
  static final String LEGACY_ATTEMPT = "x-reef-attempt";

  static final String WIRE_VERSION = "1.0";
  /** The first instant a wire timestamp can hold: Python's {@code datetime} (Praval) reads years 1 to 9999 only. */
  static final Instant FIRST_WIRE_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
  /** The first instant past what a wire timestamp can hold. */
  static final Instant END_WIRE_INSTANT = Instant.parse("+10000-01-01T00:00:00Z");
  /**
   * The longest per-message TTL RabbitMQ takes (ten years): above it, it refuses the publish and
   * closes the channel. A spore that expires later travels without one; Reef drops it on expiry anyway.
   */
  static final long MAX_EXPIRATION_MILLIS = 315_360_000_000L;
  static final String CONTENT_TYPE = "application/json";
  static final int PERSISTENT = 2;

  private static final ObjectMapper MAPPER = JsonMapping.defaults().mapper();

  private final int maxBodyBytes;
  private final String userId;
  private final JsonMapping json;

  /** A codec that writes no {@code user_id} and reads with the default mapping: for tests and tools that only read. */
  SporeCodec(int maxBodyBytes) {
    this(maxBodyBytes, null, JsonMapping.defaults());
  }

  /**
   * @param maxBodyBytes the largest body accepted when decoding; larger messages are malformed
   * @param userId the login of the connection that publishes what this codec encodes, written as the
   *     {@code user_id} property, which RabbitMQ checks against that login; null to write none
   * @param json the mapping decoded knowledge is read with (the Reef's)
   */
  SporeCodec(int maxBodyBytes, String userId, JsonMapping json) {
    if (maxBodyBytes < 4) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 4, got " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
    this.userId = userId == null || userId.isEmpty() ? null : userId;
    this.json = java.util.Objects.requireNonNull(json, "json");
  }

  int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The {@code user_id} this codec writes: the publishing connection's login; null for none. */
  String userId() {
    return userId;
  }

  /** A message ready to publish. */
  record Encoded(AMQP.BasicProperties properties, byte[] body) {}

  /** The outcome of decoding one message. */
  sealed interface Decoded {
    /**
     * A valid spore, with its attempt number, the reply address of a request (or null), and the
     * {@code user_id} of its publisher (or null). The broker has checked that user id against the
     * login of the connection that published the message, so it, unlike anything in the headers or
     * the body, is not the sender's to choose.
     */
    record Valid(Spore spore, int attempt, String replyAddress, String userId) implements Decoded {}

    /** Not a spore, and why. */
    record Malformed(String reason) implements Decoded {}
  }

  /**
   * Encodes {@code spore} as it leaves at {@code now}.
   *
   * @param replyAddress for a request, where the reply goes (property {@code reply_to}); else null
   * @param attempt 1 for a first delivery; written as {@value #ATTEMPT} when larger
   * @throws InvalidSporeException when a timestamp of the spore is outside the years 1 to 9999
   */
  Encoded encode(Spore spore, String replyAddress, int attempt, Instant now) {
    requireWireTime("created_at", spore.createdAt());
    if (spore.expiresAt() != null) {
      requireWireTime("expires_at", spore.expiresAt());
    }
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(SPORE_ID, spore.id());
    headers.put(SPORE_TYPE, spore.type().wireValue());
    headers.put(FROM_AGENT, spore.fromAgent());
    headers.put(TO_AGENT, orEmpty(spore.toAgent()));
    headers.put(CREATED_AT, Timestamps.format(spore.createdAt()));
    headers.put(EXPIRES_AT, spore.expiresAt() == null ? "" : Timestamps.format(spore.expiresAt()));
    headers.put(PRIORITY, Integer.toString(spore.priority()));
    headers.put(REPLY_TO, orEmpty(spore.replyTo()));
    headers.put(VERSION, WIRE_VERSION);
    // Reef's own headers only when they hold something: the decoder reads an absent one as empty (as
    // from Praval, which writes none), and the broker decodes every header of every publish, so three
    // empty ones cost each spore's trip through it (benchmarks/README, amqp-throughput).
    if (!spore.metadata().isEmpty()) {
      headers.put(METADATA, escapeLoneSurrogates(spore.metadata().toJson()));
    }
    if (!spore.knowledgeReferences().isEmpty()) {
      headers.put(KNOWLEDGE_REFERENCES, escapeLoneSurrogates(json(spore.knowledgeReferences())));
    }
    if (!spore.dataReferences().isEmpty()) {
      headers.put(DATA_REFERENCES, escapeLoneSurrogates(json(spore.dataReferences())));
    }
    if (spore.causedBy() != null) {
      headers.put(CAUSED_BY, spore.causedBy());
    }
    String traceparent = spore.metadata().getString(TRACEPARENT);
    if (traceparent != null) {
      headers.put(TRACEPARENT, traceparent);
    }
    if (attempt > 1) {
      headers.put(ATTEMPT, Integer.toString(attempt));
    }
    AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder()
        .messageId(spore.id())
        .timestamp(Date.from(spore.createdAt().truncatedTo(ChronoUnit.SECONDS))) // AMQP timestamps are seconds
        .priority(spore.priority())
        .deliveryMode(PERSISTENT)
        .contentType(CONTENT_TYPE)
        .headers(headers);
    if (userId != null) {
      properties.userId(userId);
    }
    if (spore.expiresAt() != null) {
      long expiration = expirationMillis(spore.expiresAt(), now);
      if (expiration <= MAX_EXPIRATION_MILLIS) {
        properties.expiration(Long.toString(expiration));
      }
    }
    if (replyAddress != null) {
      properties.correlationId(spore.id()).replyTo(replyAddress);
    } else if (spore.type() == SporeType.RESPONSE) {
      // Plain AMQP RPC clients match replies on correlation_id: give them the request id.
      properties.correlationId(spore.replyTo());
    }
    byte[] body = spore.knowledge() == null
        ? WireFields.NULL_BODY
        : escapeLoneSurrogates(spore.knowledge().toJson()).getBytes(StandardCharsets.UTF_8);
    return new Encoded(properties.build(), body);
  }

  /**
   * {@code json} with each unpaired UTF-16 surrogate written as a JSON escape (a backslash, {@code u}
   * and four hex digits). UTF-8 has no form for one (the encoder would put {@code ?} in its place,
   * changing the spore on the way); the escape is valid JSON that reads back as the same character.
   * Such characters only occur inside JSON strings, where the escape belongs. One pass, and no copy
   * when there is none.
   */
  static String escapeLoneSurrogates(String json) {
    int length = json.length();
    for (int i = 0; i < length; i++) {
      char c = json.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(json.charAt(i + 1))) {
          i++; // a well-formed pair: UTF-8 has it
          continue;
        }
        return escapeFrom(json, i);
      }
    }
    return json;
  }

  private static String escapeFrom(String json, int first) {
    StringBuilder escaped = new StringBuilder(json.length() + 16).append(json, 0, first);
    for (int i = first; i < json.length(); i++) {
      char c = json.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
        escaped.append(c).append(json.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        escaped.append(String.format("\\u%04x", (int) c));
      } else {
        escaped.append(c);
      }
    }
    return escaped.toString();
  }

  /**
   * Milliseconds left until {@code expiresAt}; at least 1, so that an already expired spore still
   * carries an expiration and the broker drops it rather than keeping it forever.
   */
  static long expirationMillis(Instant expiresAt, Instant now) {
    long left = Duration.between(now, expiresAt).toMillis();
    return Math.max(1, left);
  }

  /**
   * Decodes a delivered message: malformed input (SPEC §4) is a {@link Decoded.Malformed} with the
   * reason, never an exception.
   *
   * @throws RuntimeException only for a bug here, which must surface rather than pass for bad input
   */
  Decoded decode(BasicProperties properties, byte[] body) {
    return properties == null ? decode(null, null, null, body)
        : decode(properties.getHeaders(), properties.getReplyTo(), properties.getUserId(), body);
  }

  /**
   * Decodes a message from its parts, as {@link #decode(BasicProperties, byte[])} does: for a stored
   * message, whose headers would be copied once more into a {@code BasicProperties} for nothing.
   */
  Decoded decode(Map<String, Object> headers, String replyTo, String userId, byte[] body) {
    try {
      return decodeOrThrow(headers, replyTo, userId, body);
    } catch (MalformedException e) {
      return new Decoded.Malformed(e.getMessage());
    } catch (InvalidSporeException e) {
      // The headers parsed, but make no valid spore (a bad agent name, a response without reply_to ...).
      return new Decoded.Malformed("not a valid spore: " + e.getMessage());
    }
  }

  private Decoded decodeOrThrow(Map<String, Object> headers, String replyTo, String userId, byte[] body)
      throws MalformedException {
    if (body == null) {
      body = new byte[0];
    }
    if (body.length > maxBodyBytes) {
      throw new MalformedException(
          "body of " + body.length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }
    if (headers == null || headers.isEmpty()) {
      throw new MalformedException("message has no headers: a spore needs at least "
          + SPORE_ID + ", " + SPORE_TYPE + ", " + FROM_AGENT + " and " + CREATED_AT);
    }
    String version = optional(headers, VERSION);
    if (version != null && !version.isEmpty() && !version.startsWith("1.")) {
      throw new MalformedException("header '" + VERSION + "' is '" + version + "': only 1.x is understood");
    }
    SporeType type;
    try {
      type = SporeType.fromWire(required(headers, SPORE_TYPE));
    } catch (IllegalArgumentException e) {
      throw new MalformedException("header '" + SPORE_TYPE + "': " + e.getMessage());
    }
    Spore.Builder spore = Spore.builder(type)
        .id(required(headers, SPORE_ID))
        .from(required(headers, FROM_AGENT))
        .to(emptyToNull(optional(headers, TO_AGENT)))
        .createdAt(timestamp(CREATED_AT, required(headers, CREATED_AT)))
        .replyTo(emptyToNull(optional(headers, REPLY_TO)))
        .causedBy(emptyToNull(optional(headers, CAUSED_BY)))
        .knowledge(knowledge(body, json));
    String expiresAt = emptyToNull(optional(headers, EXPIRES_AT));
    if (expiresAt != null) {
      spore.expiresAt(timestamp(EXPIRES_AT, expiresAt));
    }
    String priority = optional(headers, PRIORITY);
    if (priority != null && !priority.isEmpty()) {
      spore.priority(integer(PRIORITY, priority));
    }
    String metadata = optional(headers, METADATA);
    if (metadata != null && !metadata.isEmpty() && !metadata.equals("{}")) { // "{}": nothing to parse
      JsonDocument document;
      try {
        document = JsonDocument.parse(metadata);
      } catch (IllegalArgumentException e) {
        throw new MalformedException("header '" + METADATA + "': " + abbreviate(e.getMessage()));
      }
      spore.metadata(document);
      if (!document.has(TRACEPARENT)) {
        adoptTraceparent(headers, spore);
      }
    } else {
      adoptTraceparent(headers, spore);
    }
    spore.knowledgeReferences(strings(headers, KNOWLEDGE_REFERENCES));
    spore.dataReferences(strings(headers, DATA_REFERENCES));
    int attempt = 1;
    String attemptHeader = headers.containsKey(ATTEMPT) ? ATTEMPT : LEGACY_ATTEMPT;
    String attemptText = optional(headers, attemptHeader);
    if (attemptText != null) {
      attempt = integer(attemptHeader, attemptText);
      if (attempt < 1) {
        throw new MalformedException("header '" + attemptHeader + "' must be at least 1, got " + attempt);
      }
    }
    return new Decoded.Valid(spore.build(), attempt, emptyToNull(replyTo), emptyToNull(userId));
  }

  /**
   * Takes a foreign publisher's {@code traceparent} header into the metadata, where Reef looks for
   * it. Only a string is taken: the header is not a spore field, so a value of another type is not a
   * reason to reject the spore; the trace then starts afresh at this spore, as without the header.
   */
  private static void adoptTraceparent(Map<String, Object> headers, Spore.Builder spore) {
    Object value = headers.get(TRACEPARENT);
    String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : WireFields.text(value);
    if (text != null && !text.isBlank()) {
      spore.metadata(TRACEPARENT, text.trim());
    }
  }

  /** A spore whose time the wire cannot carry fails its send, naming the field, rather than arriving changed. */
  private static void requireWireTime(String field, Instant instant) {
    if (!isWireTime(instant)) {
      throw new InvalidSporeException(field, instant + " is outside the years 1 to 9999 that the AMQP wire format"
          + " (and Praval's Python datetime) can carry");
    }
  }

  private static String json(List<String> values) {
    try {
      return MAPPER.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is always JSON", e);
    }
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
