package dev.reef.amqp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.spi.PresenceMessage;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A {@link PresenceMessage} as JSON on the {@code ns.presence} exchange (SPEC §5):
 *
 * <pre>{@code
 * {"kind": "announce", "connection": REEF_ID, "host": "h1", "pid": 4242, "heartbeat_ms": 5000,
 *  "instances": [{"agent": "a", "instance": "i1", "channel": "main", "capabilities": ["math"],
 *                 "started_at": "2026-03-01T10:00:00.000000+00:00", "stalled": false}]}
 * }</pre>
 *
 * <p>{@code kind} is {@code hello}, {@code announce} or {@code leave}. With sites on, {@code "site"}
 * names the sender's site (docs/sites.md); absent otherwise. {@code pid} and {@code stalled}
 * are read as -1 and false when absent (senders from before they existed). Anything else missing or
 * of the wrong type makes the message malformed.
 */
final class PresenceFormat {
  private static final ObjectMapper MAPPER = JsonMapping.defaults().mapper();

  private PresenceFormat() {}

  /** A presence message that could not be read, and why. */
  static final class MalformedPresenceException extends Exception {
    MalformedPresenceException(String reason) {
      super(reason, null, false, false);
    }
  }

  static byte[] encode(PresenceMessage message) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("kind", message.kind().name().toLowerCase(Locale.ROOT));
    json.put("connection", message.reefId());
    json.put("host", message.host());
    json.put("pid", message.pid());
    json.put("heartbeat_ms", message.heartbeat().toMillis());
    if (!message.site().isEmpty()) {
      json.put("site", message.site());
    }
    ArrayNode instances = json.putArray("instances");
    for (PresenceMessage.Instance instance : message.instances()) {
      ObjectNode node = instances.addObject();
      node.put("agent", instance.agent());
      node.put("instance", instance.instanceId());
      node.put("channel", instance.channel());
      ArrayNode capabilities = node.putArray("capabilities");
      instance.capabilities().stream().sorted().forEach(capabilities::add);
      node.put("started_at", Timestamps.format(instance.startedAt()));
      node.put("stalled", instance.stalled());
    }
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  static PresenceMessage decode(byte[] body) throws MalformedPresenceException {
    JsonNode json;
    try {
      json = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedPresenceException("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedPresenceException("not JSON: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw new MalformedPresenceException("not a JSON object");
    }
    PresenceMessage.Kind kind = kind(text(json, "kind"));
    long heartbeatMillis = number(json, "heartbeat_ms");
    if (heartbeatMillis <= 0) {
      throw new MalformedPresenceException("field 'heartbeat_ms' must be positive, got " + heartbeatMillis);
    }
    long pid = json.has("pid") ? number(json, "pid") : -1;
    List<PresenceMessage.Instance> instances = new ArrayList<>();
    JsonNode list = json.get("instances");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new MalformedPresenceException("field 'instances' must be an array");
      }
      for (JsonNode node : list) {
        instances.add(instance(node));
      }
    }
    try {
      return new PresenceMessage(kind, text(json, "connection"), text(json, "host"), pid,
          Duration.ofMillis(heartbeatMillis), instances, json.has("site") ? text(json, "site") : "");
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new MalformedPresenceException(String.valueOf(e.getMessage()));
    }
  }

  private static PresenceMessage.Instance instance(JsonNode node) throws MalformedPresenceException {
    if (!node.isObject()) {
      throw new MalformedPresenceException("an instance must be a JSON object");
    }
    Set<String> capabilities = new LinkedHashSet<>();
    JsonNode list = node.get("capabilities");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new MalformedPresenceException("field 'capabilities' must be an array");
      }
      for (JsonNode capability : list) {
        if (!capability.isTextual()) {
          throw new MalformedPresenceException("a capability must be a string, got " + capability);
        }
        capabilities.add(capability.asText());
      }
    }
    Instant startedAt;
    try {
      startedAt = Timestamps.parse(text(node, "started_at"));
    } catch (IllegalArgumentException e) {
      throw new MalformedPresenceException("field 'started_at': " + e.getMessage());
    }
    JsonNode stalled = node.get("stalled");
    if (stalled != null && !stalled.isBoolean()) {
      throw new MalformedPresenceException("field 'stalled' must be true or false");
    }
    try {
      return new PresenceMessage.Instance(text(node, "agent"), text(node, "instance"), text(node, "channel"),
          capabilities, startedAt, stalled != null && stalled.booleanValue());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new MalformedPresenceException("an instance: " + e.getMessage());
    }
  }

  private static PresenceMessage.Kind kind(String text) throws MalformedPresenceException {
    for (PresenceMessage.Kind kind : PresenceMessage.Kind.values()) {
      if (kind.name().equalsIgnoreCase(text)) {
        return kind;
      }
    }
    throw new MalformedPresenceException("unknown kind '" + text + "'");
  }

  private static String text(JsonNode node, String field) throws MalformedPresenceException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new MalformedPresenceException("field '" + field + "' must be a non-empty string");
    }
    return value.asText();
  }

  private static long number(JsonNode node, String field) throws MalformedPresenceException {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
      throw new MalformedPresenceException("field '" + field + "' must be an integer");
    }
    return value.asLong();
  }
}
