package dev.reef.bench;

import dev.reef.spore.JsonDocument;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The knowledge both sides carry: a realistic JSON object of exactly {@link #BYTES} bytes of UTF-8. */
final class Payload {
  static final int BYTES = 1_024;

  private Payload() {}

  /** Made once and shared by every message, as an agent would reuse an immutable document. */
  static JsonDocument knowledge() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("topic", "coral-bleaching");
    fields.put("source", "sensor-array-7");
    fields.put("confidence", 0.87);
    fields.put("tags", List.of("reef", "temperature", "observation"));
    fields.put("reading", Map.of("celsius", 29.4, "depthMetres", 12));
    fields.put("summary", "");
    int padding = BYTES - JsonDocument.of(fields).byteSize();
    fields.put("summary", "x".repeat(padding));
    JsonDocument document = JsonDocument.of(fields);
    if (document.byteSize() != BYTES) {
      throw new IllegalStateException("payload is " + document.byteSize() + " bytes, expected " + BYTES);
    }
    return document;
  }
}
