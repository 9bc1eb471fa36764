package dev.reef.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.spore.Spore;
import java.util.Map;

/**
 * How a streamed reply travels (SPEC §3.14): every part, the final reply and a caller's cancel are
 * {@code response} spores with {@code reply_to} set to the request, marked in the metadata field
 * {@value #KEY}: {@code {"part": n, "address": A}} for part n (1, 2, ...) sent from the responder
 * whose reply address is A; {@code {"end": true, "parts": N}} on the final reply after N parts;
 * {@code {"cancel": true}} on the caller's cancel, sent to A.
 */
final class StreamProtocol {
  static final String KEY = "reef_stream";

  private StreamProtocol() {}

  /** What the metadata of a response says about streaming. */
  record Marker(long part, String address, boolean end, long parts, boolean cancel) {
    static final Marker NONE = new Marker(0, null, false, 0, false);

    boolean isPart() {
      return part > 0;
    }
  }

  static Marker of(Spore response) {
    JsonNode node = response.metadata().get(KEY);
    if (node == null || !node.isObject()) {
      return Marker.NONE;
    }
    return new Marker(node.path("part").asLong(0), node.path("address").isTextual() ? node.path("address").asText()
        : null, node.path("end").asBoolean(false), node.path("parts").asLong(0), node.path("cancel").asBoolean(false));
  }

  static Map<String, Object> part(long number, String address) {
    return Map.of("part", number, "address", address);
  }

  static Map<String, Object> end(long parts) {
    return Map.of("end", true, "parts", parts);
  }

  static Map<String, Object> cancel() {
    return Map.of("cancel", true);
  }
}
