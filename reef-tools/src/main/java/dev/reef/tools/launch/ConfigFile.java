package dev.reef.tools.launch;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.reef.tools.internal.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a launcher config file: one JSON object, or the same in YAML (a file ending in {@code .yaml}
 * or {@code .yml}), every key optional, unknown keys refused (a typo should fail the start, not be
 * ignored).
 *
 * <pre>{@code
 * {
 *   "uri": "amqp://reef:secret@rabbit:5672/prod",
 *   "namespace": "reef",
 *   "presence_heartbeat": "5s",
 *   "http_port": 8080,
 *   "http_host": "127.0.0.1",
 *   "http_token": "...",
 *   "http_show_knowledge": false,
 *   "drain_timeout": "20s",
 *   "agents": [
 *     "com.example.Calculator",
 *     {"class": "com.example.Worker", "instances": 2, "concurrency": "concurrent", "pool_size": 8,
 *      "prefetch": 32, "max_attempts": 5}
 *   ]
 * }
 * }</pre>
 *
 * <p>In YAML:
 *
 * <pre>{@code
 * uri: amqp://reef:secret@rabbit:5672/prod
 * http_port: 8080
 * agents:
 *   - com.example.Calculator
 *   - class: com.example.Worker
 *     instances: 2
 * }</pre>
 *
 * <p>Durations are strings such as {@code "500ms"}, {@code "5s"} or numbers of milliseconds.
 */
final class ConfigFile {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final ObjectMapper YAML = YAMLMapper.builder().build();
  private static final Set<String> KEYS = Set.of("uri", "namespace", "presence_heartbeat", "http_port", "http_host",
      "http_token", "http_show_knowledge", "drain_timeout", "agents");
  private static final Set<String> AGENT_KEYS =
      Set.of("class", "instances", "concurrency", "pool_size", "prefetch", "max_attempts");

  private ConfigFile() {}

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the file and what is wrong: missing, unreadable, not
   *     JSON, an unknown key, a value of the wrong kind
   */
  static Settings read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("config file " + file + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return parse(text, isYaml(file));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** True for a file named {@code *.yaml} or {@code *.yml}. */
  static boolean isYaml(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /** Reads the text of a JSON config file. */
  static Settings parse(String text) {
    return parse(text, false);
  }

  /** Reads the text of a config file, JSON or YAML. */
  static Settings parse(String text, boolean yaml) {
    String format = yaml ? "YAML" : "JSON";
    JsonNode root;
    try {
      root = (yaml ? YAML : JSON).readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException("not valid " + format + (at == null ? "" : " at line " + at.getLineNr()
          + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(yaml ? "expected a YAML mapping, like 'uri: amqp://localhost'"
          : "expected a JSON object, like {\"uri\": \"amqp://localhost\", \"agents\": [...]}");
    }
    requireKnownKeys(root, KEYS, "");
    return new Settings(
        text(root, "uri"),
        text(root, "namespace"),
        duration(root, "presence_heartbeat"),
        new HttpSettings(text(root, "http_host"), root.hasNonNull("http_port") ? integer(root, "http_port") : null,
            text(root, "http_token"), bool(root, "http_show_knowledge")),
        duration(root, "drain_timeout"),
        agents(root.get("agents")));
  }

  private static List<Settings.Agent> agents(JsonNode node) {
    List<Settings.Agent> agents = new ArrayList<>();
    if (node == null || node.isNull()) {
      return agents;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("\"agents\" must be an array of class names or objects");
    }
    for (JsonNode agent : node) {
      if (agent.isTextual()) {
        agents.add(Settings.Agent.parse(agent.textValue()));
      } else if (agent.isObject()) {
        requireKnownKeys(agent, AGENT_KEYS, " of an agent");
        String className = text(agent, "class");
        if (className == null) {
          throw new IllegalArgumentException("an agent object needs \"class\": the agent's class name");
        }
        String concurrency = text(agent, "concurrency");
        agents.add(new Settings.Agent(className,
            agent.hasNonNull("instances") ? integer(agent, "instances") : null,
            concurrency == null ? null : Settings.Agent.concurrency(concurrency),
            agent.hasNonNull("pool_size") ? integer(agent, "pool_size") : null,
            agent.hasNonNull("prefetch") ? integer(agent, "prefetch") : null,
            agent.hasNonNull("max_attempts") ? integer(agent, "max_attempts") : null));
      } else {
        throw new IllegalArgumentException("each of \"agents\" must be a class name or an object, got " + agent);
      }
    }
    return agents;
  }

  private static void requireKnownKeys(JsonNode object, Set<String> known, String what) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException("unknown key \"" + name + "\"" + what + "; known: " + new TreeSet<>(known));
      }
    }
  }

  private static String text(JsonNode object, String key) {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("\"" + key + "\" must be a string, got " + value);
    }
    return value.textValue();
  }

  private static Boolean bool(JsonNode object, String key) {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException("\"" + key + "\" must be true or false, got " + value);
    }
    return value.booleanValue();
  }

  private static int integer(JsonNode object, String key) {
    JsonNode value = object.get(key);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new IllegalArgumentException("\"" + key + "\" must be an integer, got " + value);
    }
    return value.intValue();
  }

  private static Duration duration(JsonNode object, String key) {
    JsonNode value = object.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0) {
      return Duration.ofMillis(value.longValue());
    }
    if (value.isTextual()) {
      try {
        return Durations.parse(value.textValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("\"" + key + "\": " + e.getMessage());
      }
    }
    throw new IllegalArgumentException("\"" + key + "\" must be a duration such as \"5s\" or a number of"
        + " milliseconds, got " + value);
  }
}
