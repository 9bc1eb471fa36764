package dev.reef.amqp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BasicProperties;
import com.rabbitmq.client.LongString;
import dev.reef.codec.Timestamps;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.io.IOException;
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
 * string headers that Praval 0.8 reads and writes. Decoding is tolerant of what Praval sends (naive
 * timestamps, no Reef headers) and strict about everything else: any problem yields a {@link
 * Decoded.Malformed} with a reason, never an exception.
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
  /** Reef-internal: the attempt number, written only after a retry (absent means 1). */
  static final String ATTEMPT = "x-reef-attempt";

  static final String WIRE_VERSION = "1.0";
  static final String CONTENT_TYPE = "application/json";
  static final int PERSISTENT = 2;

  private static final byte[] NULL_BODY = "null".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final int maxBodyBytes;

  /** @param maxBodyBytes the largest body accepted when decoding; larger messages are malformed */
  SporeCodec(int maxBodyBytes) {
    if (maxBodyBytes < 4) {
      throw new IllegalArgumentException("maxBodyBytes must be at least 4, got " + maxBodyBytes);
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** A message ready to publish. */
  record Encoded(AMQP.BasicProperties properties, byte[] body) {}

  /** The outcome of decoding one message. */
  sealed interface Decoded {
    /** A valid spore, with its attempt number and the reply address of a request (or null). */
    record Valid(Spore spore, int attempt, String replyAddress) implements Decoded {}

    /** Not a spore, and why. */
    record Malformed(String reason) implements Decoded {}
  }

  /**
   * Encodes {@code spore} as it leaves at {@code now}.
   *
   * @param replyAddress for a request, where the reply goes (property {@code reply_to}); else null
   * @param attempt 1 for a first delivery; written as {@value #ATTEMPT} when larger
   */
  Encoded encode(Spore spore, String replyAddress, int attempt, Instant now) {
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
    headers.put(METADATA, spore.metadata().toJson());
    headers.put(KNOWLEDGE_REFERENCES, json(spore.knowledgeReferences()));
    headers.put(DATA_REFERENCES, json(spore.dataReferences()));
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
    if (spore.expiresAt() != null) {
      properties.expiration(Long.toString(expirationMillis(spore.expiresAt(), now)));
    }
    if (replyAddress != null) {
      properties.correlationId(spore.id()).replyTo(replyAddress);
    } else if (spore.type() == SporeType.RESPONSE) {
      // Plain AMQP RPC clients match replies on correlation_id: give them the request id.
      properties.correlationId(spore.replyTo());
    }
    byte[] body = spore.knowledge() == null
        ? NULL_BODY
        : spore.knowledge().toJson().getBytes(StandardCharsets.UTF_8);
    return new Encoded(properties.build(), body);
  }

  /**
   * Milliseconds left until {@code expiresAt}; at least 1, so that an already expired spore still
   * carries an expiration and the broker drops it rather than keeping it forever.
   */
  static long expirationMillis(Instant expiresAt, Instant now) {
    long left = Duration.between(now, expiresAt).toMillis();
    return Math.max(1, left);
  }

  /** Decodes a delivered message. Never throws. */
  Decoded decode(BasicProperties properties, byte[] body) {
    try {
      return decodeOrThrow(properties, body);
    } catch (MalformedException e) {
      return new Decoded.Malformed(e.getMessage());
    } catch (RuntimeException e) {
      // Spore validation (InvalidSporeException) and anything unforeseen: still just a reason.
      return new Decoded.Malformed("not a valid spore: " + e.getMessage());
    }
  }

  private Decoded decodeOrThrow(BasicProperties properties, byte[] body) throws MalformedException {
    if (body == null) {
      body = new byte[0];
    }
    if (body.length > maxBodyBytes) {
      throw new MalformedException(
          "body of " + body.length + " bytes exceeds the limit of " + maxBodyBytes + " bytes");
    }
    Map<String, Object> headers = properties == null ? null : properties.getHeaders();
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
        .knowledge(knowledge(body));
    String expiresAt = emptyToNull(optional(headers, EXPIRES_AT));
    if (expiresAt != null) {
      spore.expiresAt(timestamp(EXPIRES_AT, expiresAt));
    }
    String priority = optional(headers, PRIORITY);
    if (priority != null && !priority.isEmpty()) {
      spore.priority(integer(PRIORITY, priority));
    }
    String metadata = optional(headers, METADATA);
    if (metadata != null && !metadata.isEmpty()) {
      JsonNode node = parseHeader(METADATA, metadata);
      if (!node.isObject()) {
        throw new MalformedException("header '" + METADATA + "' must hold a JSON object, got " + node.getNodeType());
      }
      spore.metadata(node);
      if (!node.has(TRACEPARENT)) {
        adoptTraceparent(headers, spore);
      }
    } else {
      adoptTraceparent(headers, spore);
    }
    spore.knowledgeReferences(strings(headers, KNOWLEDGE_REFERENCES));
    spore.dataReferences(strings(headers, DATA_REFERENCES));
    int attempt = 1;
    String attemptText = optional(headers, ATTEMPT);
    if (attemptText != null) {
      attempt = integer(ATTEMPT, attemptText);
      if (attempt < 1) {
        throw new MalformedException("header '" + ATTEMPT + "' must be at least 1, got " + attempt);
      }
    }
    String replyAddress = emptyToNull(properties.getReplyTo());
    return new Decoded.Valid(spore.build(), attempt, replyAddress);
  }

  /**
   * Takes a foreign publisher's {@code traceparent} header into the metadata, where Reef looks for
   * it. Only a string is taken: the header is not a spore field, so a value of another type is not a
   * reason to reject the spore; the trace then starts afresh at this spore, as without the header.
   */
  private static void adoptTraceparent(Map<String, Object> headers, Spore.Builder spore) {
    Object value = headers.get(TRACEPARENT);
    String text = value instanceof LongString || value instanceof String ? value.toString()
        : value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : null;
    if (text != null && !text.isBlank()) {
      spore.metadata(TRACEPARENT, text.trim());
    }
  }

  private static JsonNode knowledge(byte[] body) throws MalformedException {
    if (body.length == 0) {
      throw new MalformedException("body is empty: expected the knowledge as JSON (an object, or null)");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new MalformedException("body is not JSON: " + shortMessage(e));
    }
    if (node == null || node.isMissingNode()) {
      throw new MalformedException("body is not JSON: no value");
    }
    if (node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new MalformedException("knowledge must be a JSON object or null, got " + kind(node));
    }
    return node;
  }

  private static List<String> strings(Map<String, Object> headers, String name) throws MalformedException {
    String text = optional(headers, name);
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    JsonNode node = parseHeader(name, text);
    if (!node.isArray()) {
      throw new MalformedException("header '" + name + "' must hold a JSON array of strings, got " + kind(node));
    }
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        throw new MalformedException("header '" + name + "' must hold a JSON array of strings, found " + element);
      }
    }
    return MAPPER.convertValue(node, STRINGS);
  }

  private static JsonNode parseHeader(String name, String text) throws MalformedException {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedException("header '" + name + "' is not JSON: " + shortMessage(e));
    }
  }

  private static Instant timestamp(String name, String text) throws MalformedException {
    try {
      return Timestamps.parse(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedException("header '" + name + "': " + e.getMessage());
    }
  }

  private static int integer(String name, String text) throws MalformedException {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new MalformedException("header '" + name + "' must be a decimal integer, got '" + abbreviate(text) + "'");
    }
  }

  private static String required(Map<String, Object> headers, String name) throws MalformedException {
    String value = optional(headers, name);
    if (value == null || value.isEmpty()) {
      throw new MalformedException("header '" + name + "' is missing");
    }
    return value;
  }

  /** A string header, or null when absent; any other type is malformed (SPEC §4: all strings). */
  private static String optional(Map<String, Object> headers, String name) throws MalformedException {
    Object value = headers.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof LongString || value instanceof String) {
      return value.toString();
    }
    if (value instanceof byte[] bytes) {
      // Some clients send strings as byte arrays ('x' field type); accept valid UTF-8.
      return new String(bytes, StandardCharsets.UTF_8);
    }
    throw new MalformedException("header '" + name + "' must be a string, got "
        + value.getClass().getSimpleName() + " (" + abbreviate(String.valueOf(value)) + ")");
  }

  private static String json(List<String> values) {
    try {
      return MAPPER.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is always JSON", e);
    }
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String shortMessage(IOException e) {
    String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    return abbreviate(String.valueOf(message));
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** A decoding problem; its message is the reason given to the dead letters. */
  private static final class MalformedException extends Exception {
    MalformedException(String reason) {
      super(reason, null, false, false);
    }
  }
}
