package dev.reef.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * What the Spring AMQP peer sends: the knowledge of {@link Payload} and the question of {@link
 * RpcPayload} as the records a Java team would declare, written and read by Spring's Jackson message
 * converter. The knowledge is checked to be exactly {@link Payload#BYTES} bytes of JSON, as Reef's.
 */
final class SpringPayload {
  private SpringPayload() {}

  /** A sensor reading, nested in {@link Knowledge}. */
  record Reading(double celsius, int depthMetres) {}

  /** The 1 KB knowledge of the throughput and fan-out scenarios. */
  record Knowledge(String topic, String source, double confidence, List<String> tags, Reading reading,
      String summary) {}

  /** The request (and so the reply) of the RPC scenario. */
  record Question(String question, String detail) {}

  /** The knowledge, padded to {@link Payload#BYTES} bytes of compact JSON; made once and reused. */
  static Knowledge knowledge() {
    ObjectMapper mapper = new ObjectMapper();
    Knowledge empty = knowledge("");
    int padding = Payload.BYTES - size(mapper, empty);
    Knowledge padded = knowledge("x".repeat(padding));
    if (size(mapper, padded) != Payload.BYTES) {
      throw new IllegalStateException("payload is " + size(mapper, padded) + " bytes, expected " + Payload.BYTES);
    }
    return padded;
  }

  /** The same question as {@link RpcPayload#document()}. */
  static Question question() {
    return new Question("ping", "x".repeat(64));
  }

  private static Knowledge knowledge(String summary) {
    return new Knowledge("coral-bleaching", "sensor-array-7", 0.87, List.of("reef", "temperature", "observation"),
        new Reading(29.4, 12), summary);
  }

  private static int size(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsBytes(value).length;
    } catch (Exception e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
