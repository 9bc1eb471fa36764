package dev.reef.spore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole spore as one JSON object, with the field names of SPEC §2 ({@code spore_type},
 * {@code from_agent}, ...). This is the form the CLI prints, dead letters show, and Praval's {@code
 * Spore.to_json} writes (Praval does not write {@code caused_by}, which is read as absent).
 */
public final class SporeJson {
  /** Builds trees only: any mapper builds the same ones, so the shared one. */
  private static final ObjectMapper MAPPER = JsonMapping.defaults().mapper();

  private SporeJson() {}

  /** The spore as a JSON tree. */
  public static ObjectNode toTree(Spore spore) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", spore.id());
    node.put("spore_type", spore.type().wireValue());
    node.put("from_agent", spore.fromAgent());
    node.put("to_agent", spore.toAgent());
    node.set("knowledge", spore.knowledge() == null ? node.nullNode() : spore.knowledge().toObjectNode());
    node.put("created_at", Timestamps.format(spore.createdAt()));
    node.put("expires_at", spore.expiresAt() == null ? null : Timestamps.format(spore.expiresAt()));
    node.put("priority", spore.priority());
    node.put("reply_to", spore.replyTo());
    node.put("caused_by", spore.causedBy());
    node.set("metadata", spore.metadata().toObjectNode());
    node.set("knowledge_references", strings(spore.knowledgeReferences()));
    node.set("data_references", strings(spore.dataReferences()));
    return node;
  }

  /** The spore as compact JSON text. */
  public static String encode(Spore spore) {
    return toTree(spore).toString();
  }

  /**
   * Reads JSON text written by {@link #encode} or by Praval.
   *
   * @throws IllegalArgumentException (an {@link InvalidSporeException} for a bad field) saying
   *     what is wrong
   */
  public static Spore decode(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("spore is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a spore must be a JSON object");
    }
    return fromTree((ObjectNode) node);
  }

  /** Reads a tree written by {@link #toTree}. */
  public static Spore fromTree(ObjectNode node) {
    SporeType type;
    try {
      type = SporeType.fromWire(text(node, "spore_type"));
    } catch (IllegalArgumentException e) {
      throw new InvalidSporeException("spore_type", e.getMessage());
    }
    String id = emptyToNull(text(node, "id"));
    if (id == null) {
      // Never invent one: a new id would defeat duplicate suppression and reply matching.
      throw new InvalidSporeException("id", "is missing");
    }
    Spore.Builder builder =
        Spore.builder(type)
            .id(id)
            .from(text(node, "from_agent"))
            .to(emptyToNull(text(node, "to_agent")))
            .createdAt(instant(node, "created_at", true))
            .expiresAt(instant(node, "expires_at", false))
            .replyTo(emptyToNull(text(node, "reply_to")))
            .causedBy(emptyToNull(text(node, "caused_by")))
            .knowledgeReferences(stringList(node, "knowledge_references"))
            .dataReferences(stringList(node, "data_references"));
    JsonNode knowledge = node.get("knowledge");
    if (knowledge != null && !knowledge.isNull()) {
      builder.knowledge(knowledge);
    }
    JsonNode metadata = node.get("metadata");
    if (metadata != null && !metadata.isNull()) {
      builder.metadata(metadata);
    }
    JsonNode priority = node.get("priority");
    if (priority != null && !priority.isNull()) {
      if (!priority.canConvertToInt() || !priority.isIntegralNumber()) {
        throw new InvalidSporeException("priority", "must be an integer, got " + priority);
      }
      builder.priority(priority.intValue());
    }
    return builder.build();
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = MAPPER.createArrayNode();
    values.forEach(array::add);
    return array;
  }

  private static String text(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidSporeException(field, "must be a string, got " + value.getNodeType());
    }
    return value.textValue();
  }

  private static Instant instant(ObjectNode node, String field, boolean required) {
    String text = emptyToNull(text(node, field));
    if (text == null) {
      if (required) {
        throw new InvalidSporeException(field, "is missing");
      }
      return null;
    }
    try {
      return Timestamps.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidSporeException(field, e.getMessage());
    }
  }

  private static List<String> stringList(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidSporeException(field, "must be an array of strings");
    }
    List<String> result = new ArrayList<>(value.size());
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw new InvalidSporeException(field, "must be an array of strings, found " + element);
      }
      result.add(element.textValue());
    }
    return result;
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }
}
