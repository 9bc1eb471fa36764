package dev.reef.amqp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.rabbitmq.client.LongString;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Timestamps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reading the parts of a wire message (SPEC §4) for {@link SporeCodec}: string headers, the JSON some
 * of them hold, timestamps, and the body. Strict about everything: each problem is a {@link
 * MalformedException} whose message is the reason the dead letter gives, never quoting more than a
 * short excerpt of the input.
 */
final class WireFields {
  static final byte[] NULL_BODY = "null".getBytes(StandardCharsets.US_ASCII);
  /** Reef's one mapper, for the header values that hold JSON; trailing tokens are an error there. */
  private static final ObjectMapper MAPPER = JsonMapping.defaults().mapper();
  private static final ObjectReader STRICT = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private WireFields() {}

  /**
   * The knowledge in {@code body}. The common cases take the fast road: {@code null}, and an object,
   * which {@link JsonDocument#parse} validates without building a tree and keeps as text. Anything
   * else is read again as a tree, to tell a padded {@code null} from a malformed body and say why.
   */
  static JsonDocument knowledge(byte[] body, JsonMapping json) throws MalformedException {
    if (body.length == 0) {
      throw new MalformedException("body is empty: expected the knowledge as JSON (an object, or null)");
    }
    if (Arrays.equals(body, NULL_BODY)) {
      return null;
    }
    String text = utf8(body);
    try {
      return JsonDocument.parse(text, json);
    } catch (IllegalArgumentException notAnObject) {
      JsonNode node;
      try {
        node = STRICT.readTree(text);
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
      throw new MalformedException("body is not JSON: " + abbreviate(notAnObject.getMessage()));
    }
  }

  /**
   * The body as text. The JDK's decoder puts U+FFFD in place of bytes that are not UTF-8; only when
   * that character shows up is the body checked strictly, so that such a body is malformed rather
   * than quietly changed.
   */
  static String utf8(byte[] body) throws MalformedException {
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.indexOf('\uFFFD') >= 0) {
      try {
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body));
      } catch (CharacterCodingException e) {
        throw new MalformedException("body is not JSON: not valid UTF-8");
      }
    }
    return text;
  }

  static List<String> strings(Map<String, Object> headers, String name) throws MalformedException {
    String text = optional(headers, name);
    if (text == null || text.isEmpty() || text.equals("[]")) { // "[]": what nearly every spore carries
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

  static JsonNode parseHeader(String name, String text) throws MalformedException {
    try {
      return STRICT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedException("header '" + name + "' is not JSON: " + shortMessage(e));
    }
  }

  static Instant timestamp(String name, String text) throws MalformedException {
    Instant instant;
    try {
      instant = Timestamps.parse(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedException("header '" + name + "': " + e.getMessage());
    }
    if (!isWireTime(instant)) {
      throw new MalformedException("header '" + name + "': " + instant + " is outside the years 1 to 9999");
    }
    return instant;
  }

  static boolean isWireTime(Instant instant) {
    return !instant.isBefore(SporeCodec.FIRST_WIRE_INSTANT) && instant.isBefore(SporeCodec.END_WIRE_INSTANT);
  }

  static int integer(String name, String text) throws MalformedException {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new MalformedException("header '" + name + "' must be a decimal integer, got '" + abbreviate(text) + "'");
    }
  }

  static String required(Map<String, Object> headers, String name) throws MalformedException {
    String value = optional(headers, name);
    if (value == null || value.isEmpty()) {
      throw new MalformedException("header '" + name + "' is missing");
    }
    return value;
  }

  /** A string header, or null when absent; any other type is malformed (SPEC §4: all strings). */
  static String optional(Map<String, Object> headers, String name) throws MalformedException {
    Object value = headers.get(name);
    if (value == null) {
      return null;
    }
    String text = text(value);
    if (text != null) {
      return text;
    }
    if (value instanceof byte[] bytes) {
      // Some clients send strings as byte arrays ('x' field type); accept valid UTF-8.
      return new String(bytes, StandardCharsets.UTF_8);
    }
    throw new MalformedException("header '" + name + "' must be a string, got "
        + value.getClass().getSimpleName() + " (" + abbreviate(String.valueOf(value)) + ")");
  }

  /**
   * A header value that is text (a {@code String}, or the client's {@code LongString} for an AMQP
   * string) as a {@code String}; null for any other value.
   */
  static String text(Object value) {
    if (value instanceof String text) {
      return text;
    }
    if (value instanceof LongString text) {
      // Not toString(): it looks the charset up by name, on every header of every message.
      return new String(text.getBytes(), StandardCharsets.UTF_8);
    }
    return null;
  }

  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  static String shortMessage(IOException e) {
    String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    return abbreviate(String.valueOf(message));
  }

  static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "...";
  }

  static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** A decoding problem; its message is the reason given to the dead letters. */
  static final class MalformedException extends Exception {
    MalformedException(String reason) {
      super(reason, null, false, false);
    }
  }
}
