package dev.reef.bench;

import dev.reef.spore.JsonDocument;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The knowledge of the RPC scenario's requests (and so of the replies): a small JSON object. */
final class RpcPayload {
  private RpcPayload() {}

  static JsonDocument document() {
    return JsonDocument.of(Map.of("question", "ping", "detail", "x".repeat(64)));
  }

  /** The same JSON as the reference's message body. */
  static byte[] body() {
    return document().toJson().getBytes(StandardCharsets.UTF_8);
  }
}
