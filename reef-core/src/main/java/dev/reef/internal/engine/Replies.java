package dev.reef.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.RemoteHandlerException;
import dev.reef.spore.Spore;
import java.util.Map;

/** What an error reply looks like (SPEC §3.3): made by a failing responder, read by its caller. */
final class Replies {
  /** Metadata key of an error reply: {@code {"type": ..., "message": ..., "agent": ...}}. */
  static final String ERROR_KEY = "reef_error";

  private Replies() {}

  /** The metadata an error reply carries for {@code error}, raised in {@code agent}. */
  static Map<String, Object> error(Throwable error, String agent) {
    return Map.of("type", error.getClass().getName(), "message", String.valueOf(error.getMessage()), "agent", agent);
  }

  /** The remote error an error reply carries; null for any other reply. */
  static RemoteHandlerException errorOf(Spore reply) {
    JsonNode error = reply.metadata().get(ERROR_KEY);
    if (error == null || !error.isObject()) {
      return null;
    }
    return new RemoteHandlerException(error.path("agent").asText(reply.fromAgent()),
        error.path("type").asText("unknown"), error.path("message").asText(""));
  }
}
