package dev.reef.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The bytes a spore's signature covers: every field, in a fixed order, each length-prefixed so that
 * no two different spores share a form, under a versioned label so that a signature made for
 * anything else never passes as a spore's.
 *
 * <p>It depends on what a spore means, not on how a transport spelled it: timestamps are counted in
 * microseconds, and JSON (knowledge, metadata) is rewritten with its object keys sorted and its
 * numbers as parsed. So a spore signed in one JVM verifies in another after any backend's round
 * trip. The metadata field {@link SporeSigning#METADATA_KEY}, which holds the signature, is left out.
 */
final class CanonicalForm {
  private static final byte[] LABEL = "reef-spore-signature/2\n".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper MAPPER = JsonMapping.defaults().mapper();

  private CanonicalForm() {}

  static byte[] of(Spore spore) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + spore.knowledgeBytes());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(LABEL);
      text(out, spore.id());
      text(out, spore.type().wireValue());
      text(out, spore.fromAgent());
      text(out, spore.toAgent());
      json(out, spore.knowledge() == null ? null : sorted(spore.knowledge().toObjectNode()));
      instant(out, spore.createdAt());
      instant(out, spore.expiresAt());
      out.writeInt(spore.priority());
      text(out, spore.replyTo());
      text(out, spore.causedBy());
      ObjectNode metadata = spore.metadata().toObjectNode();
      metadata.remove(SporeSigning.METADATA_KEY);
      json(out, sorted(metadata));
      texts(out, spore.knowledgeReferences());
      texts(out, spore.dataReferences());
    } catch (IOException e) {
      throw new UncheckedIOException("unreachable: writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /** The metadata of {@code spore} without its signature, as it was before signing. */
  static JsonDocument metadataWithoutSignature(Spore spore) {
    ObjectNode metadata = spore.metadata().toObjectNode();
    metadata.remove(SporeSigning.METADATA_KEY);
    return JsonDocument.of(metadata, spore.metadata().mapping());
  }

  private static void text(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static void texts(DataOutputStream out, List<String> values) throws IOException {
    out.writeInt(values.size());
    for (String value : values) {
      text(out, value);
    }
  }

  private static void instant(DataOutputStream out, Instant instant) throws IOException {
    if (instant == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, instant));
  }

  private static void json(DataOutputStream out, JsonNode node) throws IOException {
    if (node == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8;
    try {
      utf8 = MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written: " + e.getOriginalMessage(), e);
    }
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  /** A copy with every object's keys in order, so that key order (which JSON leaves open) does not count. */
  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      Collections.sort(names);
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        copy.set(name, sorted(node.get(name)));
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
      for (JsonNode element : node) {
        copy.add(sorted(element));
      }
      return copy;
    }
    return node;
  }
}
