package dev.reef.spore;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable JSON object: a spore's knowledge or metadata.
 *
 * <p>Jackson trees are mutable, so the document keeps its compact JSON text as the source of truth
 * and hands out copies only. Being immutable, one document can be shared by any number of spores.
 *
 * <p>A document remembers the {@link JsonMapping} it was made with, and {@link #as(Class)} reads
 * through it; the mapping takes no part in equality.
 */
public final class JsonDocument {
  /** Parses and compares trees: plain Jackson, so that equal text gives equal trees whatever the mapping. */
  private static final ObjectMapper TREES = JsonMapping.defaults().mapper();
  private static final JsonDocument EMPTY = new JsonDocument("{}", TREES.createObjectNode(), JsonMapping.defaults());
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final String json;
  private final JsonMapping mapping;
  private volatile ObjectNode tree; // parsed lazily; never handed out, only copies of it
  private volatile int byteSize = -1;

  private JsonDocument(String json, ObjectNode tree, JsonMapping mapping) {
    this.json = json;
    this.tree = tree;
    this.mapping = mapping;
  }

  /** The empty object {@code {}}. */
  public static JsonDocument empty() {
    return EMPTY;
  }

  /**
   * Converts a value to a document with the {@linkplain JsonMapping#defaults() default mapping}: a
   * {@link JsonDocument} (returned as is), a Jackson {@link ObjectNode}, a {@link Map}, or any object
   * Jackson maps to a JSON object (a record, a bean).
   *
   * @throws IllegalArgumentException when the value is null or is not a JSON object (an array, a
   *     string, a number ...)
   */
  public static JsonDocument of(Object value) {
    return of(value, JsonMapping.defaults());
  }

  /**
   * Converts a value to a document as {@link #of(Object)} does, writing it with {@code mapping}.
   *
   * @throws IllegalArgumentException when the value is null, is not a JSON object, or cannot be
   *     written as JSON
   */
  public static JsonDocument of(Object value, JsonMapping mapping) {
    Objects.requireNonNull(mapping, "mapping");
    if (value instanceof JsonDocument document) {
      return document;
    }
    if (value == null) {
      throw new IllegalArgumentException("expected a JSON object, got null");
    }
    if (value instanceof CharSequence) {
      throw new IllegalArgumentException(
          "expected a JSON object, got a string (use JsonDocument.parse for JSON text)");
    }
    // Straight to text, no tree: the tree is parsed from the text when needed, so every document's
    // numbers have the parser's types and equal documents have equal hash codes.
    String json;
    try {
      // Not JsonNode.toString(): it takes a slower, non-recursive path to the same compact text.
      json = mapping.write(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a " + value.getClass().getName() + " cannot be written as JSON: "
          + e.getOriginalMessage(), e);
    }
    if (json.isEmpty() || json.charAt(0) != '{') {
      requireObject(readTree(json));
    }
    return new JsonDocument(json, null, mapping);
  }

  /**
   * Parses JSON text that must hold one object.
   *
   * <p>Compact text (no whitespace outside strings: what Reef and most JSON writers send) is only
   * validated, by a streaming pass that builds nothing, and kept as it is; the tree is parsed when a
   * field is first read. Other text is compacted on the way, again without a tree.
   *
   * @throws IllegalArgumentException when the text is not JSON or not an object
   */
  public static JsonDocument parse(String json) {
    return parse(json, JsonMapping.defaults());
  }

  /** Parses JSON text as {@link #parse(String)} does, for reading with {@code mapping}. */
  public static JsonDocument parse(String json, JsonMapping mapping) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(mapping, "mapping");
    try (JsonParser parser = TREES.createParser(json)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("expected a JSON object, got " + describe(first));
      }
      String text;
      if (isCompact(json)) {
        parser.skipChildren(); // still reads every token, so the whole object is checked
        text = json;
      } else {
        StringWriter compact = new StringWriter(json.length());
        try (JsonGenerator generator = TREES.createGenerator(compact)) {
          generator.copyCurrentStructure(parser);
        }
        text = compact.toString();
      }
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("not valid JSON: more content after the object");
      }
      return new JsonDocument(text, null, mapping);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("unreachable: reading a string", e);
    }
  }

  /** True when {@code json} has no whitespace (nor control characters) outside its strings. */
  private static boolean isCompact(String json) {
    int length = json.length();
    int i = 0;
    while (i < length) {
      char c = json.charAt(i);
      if (c == '"') {
        int end = closingQuote(json, i);
        if (end < 0) {
          return true; // an unterminated string: the parser says so
        }
        i = end + 1;
      } else if (c <= ' ') {
        return false;
      } else {
        i++;
      }
    }
    return true;
  }

  /** The index of the quote that ends the string opened at {@code open}, or -1. */
  private static int closingQuote(String json, int open) {
    int quote = open;
    while ((quote = json.indexOf('"', quote + 1)) >= 0) { // indexOf: the JDK's vectorized search
      int backslashes = 0;
      while (json.charAt(quote - 1 - backslashes) == '\\') {
        backslashes++;
      }
      if (backslashes % 2 == 0) {
        return quote;
      }
    }
    return -1;
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static ObjectNode requireObject(JsonNode node) {
    if (node == null || node.getNodeType() != JsonNodeType.OBJECT) {
      String kind = node == null ? "nothing" : describe(node.getNodeType());
      throw new IllegalArgumentException("expected a JSON object, got " + kind);
    }
    return (ObjectNode) node;
  }

  private static String describe(JsonNodeType type) {
    return switch (type) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL, MISSING -> "null";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /**
   * The compact JSON text of this object: no whitespace outside strings. Text that was {@linkplain
   * #parse parsed} compact is returned as it came (its escapes, number forms and key order), so two
   * equal documents may differ in text; {@link #equals} compares their values.
   */
  public String toJson() {
    return json;
  }

  /** The size of the JSON text in UTF-8 bytes, as it travels on the wire. */
  public int byteSize() {
    int size = byteSize;
    if (size < 0) {
      size = json.getBytes(StandardCharsets.UTF_8).length;
      byteSize = size;
    }
    return size;
  }

  /** True when the object has no fields. */
  public boolean isEmpty() {
    return tree().isEmpty();
  }

  /** True when the object has a field called {@code field}. */
  public boolean has(String field) {
    return tree().has(field);
  }

  /** A copy of the value of {@code field}, or null when absent. */
  public JsonNode get(String field) {
    JsonNode value = tree().get(field);
    return value == null ? null : value.deepCopy();
  }

  /** The value of {@code field} when it is a JSON string, else null. */
  public String getString(String field) {
    JsonNode value = tree().get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  /** A mutable copy of the whole object. */
  public ObjectNode toObjectNode() {
    return tree().deepCopy();
  }

  /** The object as a fresh map of plain Java values. */
  public Map<String, Object> toMap() {
    return TREES.convertValue(tree(), MAP);
  }

  /**
   * Reads the object as {@code type} (a record or bean) with this document's {@link #mapping()}.
   *
   * @throws IllegalArgumentException naming the type and what does not fit
   */
  public <T> T as(Class<T> type) {
    return mapping.read(this, type);
  }

  /** The mapping this document reads records and beans with. */
  public JsonMapping mapping() {
    return mapping;
  }

  /** This document, read with {@code other} from now on: the same JSON, no copy of it. */
  public JsonDocument withMapping(JsonMapping other) {
    Objects.requireNonNull(other, "mapping");
    return other == mapping ? this : new JsonDocument(json, tree, other);
  }

  private ObjectNode tree() {
    ObjectNode parsed = tree;
    if (parsed == null) {
      parsed = (ObjectNode) readTree(json);
      tree = parsed;
    }
    return parsed;
  }

  private static JsonNode readTree(String json) {
    try {
      return TREES.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreachable: Jackson wrote text it cannot read", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other == this
        || other instanceof JsonDocument document
            && (json.equals(document.json) || tree().equals(document.tree()));
  }

  @Override
  public int hashCode() {
    return tree().hashCode();
  }

  @Override
  public String toString() {
    return json.length() <= 200 ? json : json.substring(0, 200) + "...(" + byteSize() + " bytes)";
  }
}
