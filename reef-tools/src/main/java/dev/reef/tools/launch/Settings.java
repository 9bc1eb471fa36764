package dev.reef.tools.launch;

import dev.reef.Concurrency;
import dev.reef.spore.Names;
import dev.reef.tools.internal.Durations;
import dev.reef.tools.internal.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How to connect and what to run, from one source (flags, environment variables, a config file) or
 * resolved from all of them by {@link #resolve}: flags win over environment variables, which win over
 * the config file, which wins over the defaults (SPEC §6). Null fields are "not set here".
 *
 * <p>Environment variables: {@value #ENV_URI}, {@value #ENV_NAMESPACE}, {@value #ENV_HTTP_PORT},
 * {@value #ENV_HEARTBEAT}, {@value #ENV_DRAIN_TIMEOUT}, {@value #ENV_AGENTS} (comma-separated {@code
 * CLASS[=INSTANCES]}) and {@value #ENV_CONFIG} (the config file, when no flag names one).
 *
 * @param uri the backend: {@code amqp://user:password@host:5672/vhost?...}, {@code amqps://...} or
 *     {@code memory:}
 * @param namespace the namespace prefixing every broker object
 * @param heartbeat how often this process tells the directory that its agents are alive (any backend);
 *     three missed beats mean silent
 * @param http the HTTP server of {@code /health}, {@code /metrics} and the dashboard (no server without a port)
 * @param drainTimeout how long a graceful stop waits for in-flight handlers
 * @param agents the agents to run; entries for the same class are merged field by field
 */
public record Settings(
    String uri, String namespace, Duration heartbeat, HttpSettings http, Duration drainTimeout, List<Agent> agents) {
  /** The environment variable naming the broker URI. */
  public static final String ENV_URI = "REEF_AMQP_URI";
  /** The environment variable naming the namespace. */
  public static final String ENV_NAMESPACE = "REEF_NAMESPACE";
  /** The environment variable giving the HTTP port. */
  public static final String ENV_HTTP_PORT = HttpSettings.ENV_PORT;
  /** The environment variable giving the heartbeat interval. */
  public static final String ENV_HEARTBEAT = "REEF_PRESENCE_HEARTBEAT";
  /** The environment variable giving the drain timeout. */
  public static final String ENV_DRAIN_TIMEOUT = "REEF_DRAIN_TIMEOUT";
  /** The environment variable listing agents as {@code CLASS[=INSTANCES],...}. */
  public static final String ENV_AGENTS = "REEF_AGENTS";
  /** The environment variable naming the config file. */
  public static final String ENV_CONFIG = "REEF_CONFIG";

  /** The broker when nothing else is said: RabbitMQ on this machine, with its default guest user. */
  public static final String DEFAULT_URI = "amqp://localhost:5672";
  /** Nothing set. */
  public static final Settings NONE = new Settings(null, null, null, HttpSettings.NONE, null, List.of());
  /** What applies when no source sets a value: {@link #DEFAULT_URI}, namespace {@code reef}, a 10 s drain. */
  public static final Settings DEFAULTS =
      new Settings(DEFAULT_URI, "reef", null, HttpSettings.DEFAULTS, Duration.ofSeconds(10), List.of());

  /** The shortest heartbeat accepted: shorter ones only load the broker. */
  static final Duration MIN_HEARTBEAT = Duration.ofMillis(100);

  /** Checks the fields that are set. */
  public Settings {
    if (uri != null && uri.isBlank()) {
      throw new IllegalArgumentException("the backend URI must not be blank");
    }
    if (namespace != null) {
      Names.require("namespace", namespace);
    }
    if (heartbeat != null) {
      requireHeartbeat(heartbeat);
    }
    http = http == null ? HttpSettings.NONE : http;
    if (drainTimeout != null && drainTimeout.isNegative()) {
      throw new IllegalArgumentException("the drain timeout must not be negative, got " + drainTimeout);
    }
    Objects.requireNonNull(agents, "agents");
    agents = requireDistinct(agents);
  }

  /**
   * Merges the sources in their order of precedence: {@code flags}, then the environment, then the
   * config file ({@code configFile}, else the one {@value #ENV_CONFIG} names, else none), then {@link
   * #DEFAULTS}.
   *
   * @param configFile the config file a flag names, or null
   * @throws IllegalArgumentException naming the source and the setting when one is invalid
   */
  public static Settings resolve(Settings flags, Path configFile, Map<String, String> environment) {
    Objects.requireNonNull(flags, "flags");
    Objects.requireNonNull(environment, "environment");
    Settings fromEnvironment = fromEnvironment(environment);
    Path file = configFile;
    if (file == null && present(environment.get(ENV_CONFIG))) {
      file = Path.of(environment.get(ENV_CONFIG).trim());
    }
    Settings fromFile = file == null ? NONE : ConfigFile.read(file);
    return flags.over(fromEnvironment).over(fromFile).over(DEFAULTS);
  }

  /**
   * The settings the {@code REEF_*} variables of {@code environment} give.
   *
   * @throws IllegalArgumentException naming the variable when one is invalid
   */
  public static Settings fromEnvironment(Map<String, String> environment) {
    Objects.requireNonNull(environment, "environment");
    return new Settings(
        parsed(environment, ENV_URI, text -> text),
        parsed(environment, ENV_NAMESPACE, text -> Names.require("namespace", text)),
        parsed(environment, ENV_HEARTBEAT, text -> requireHeartbeat(Durations.parse(text))),
        HttpSettings.fromEnvironment(environment, Settings::parsed),
        parsed(environment, ENV_DRAIN_TIMEOUT, Durations::parse),
        Objects.requireNonNullElse(parsed(environment, ENV_AGENTS, Settings::agentList), List.of()));
  }

  private static <T> T parsed(Map<String, String> environment, String name, Function<String, T> parser) {
    String value = value(environment, name);
    if (value == null) {
      return null;
    }
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("environment variable " + name + ": " + e.getMessage(), e);
    }
  }

  private static List<Agent> agentList(String list) {
    List<Agent> agents = new ArrayList<>();
    for (String agent : list.split(",")) {
      if (!agent.isBlank()) {
        agents.add(Agent.parse(agent));
      }
    }
    return requireDistinct(agents);
  }

  static List<Agent> requireDistinct(List<Agent> agents) {
    Objects.requireNonNull(agents, "agents");
    Map<String, Agent> byClass = new LinkedHashMap<>();
    for (Agent agent : agents) {
      Objects.requireNonNull(agent, "agent");
      if (byClass.put(agent.className(), agent) != null) {
        throw new IllegalArgumentException("agent class " + agent.className() + " is listed twice");
      }
    }
    return List.copyOf(agents);
  }

  static Duration requireHeartbeat(Duration heartbeat) {
    if (heartbeat.compareTo(MIN_HEARTBEAT) < 0) {
      throw new IllegalArgumentException("the heartbeat must be at least " + Durations.format(MIN_HEARTBEAT)
          + ", got " + Durations.format(heartbeat));
    }
    return heartbeat;
  }

  /** Reads a port number. */
  static Integer port(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port < 0 || port > 65_535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a port number 0..65535, got '" + text + "'");
    }
  }

  /**
   * These settings, with {@code lower}'s where these have none. Agents of the same class are merged
   * field by field, these winning; agents only {@code lower} lists come first, in its order.
   */
  public Settings over(Settings lower) {
    Objects.requireNonNull(lower, "lower");
    Map<String, Agent> merged = new LinkedHashMap<>();
    lower.agents.forEach(agent -> merged.put(agent.className(), agent));
    for (Agent agent : agents) {
      Agent below = merged.get(agent.className());
      merged.put(agent.className(), below == null ? agent : agent.over(below));
    }
    return new Settings(
        uri != null ? uri : lower.uri,
        namespace != null ? namespace : lower.namespace,
        heartbeat != null ? heartbeat : lower.heartbeat,
        http.over(lower.http),
        drainTimeout != null ? drainTimeout : lower.drainTimeout,
        new ArrayList<>(merged.values()));
  }

  /** The URI with its password masked, for messages. */
  public String maskedUri() {
    return Secrets.mask(uri);
  }

  private static String value(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return present(value) ? value.trim() : null;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public String toString() {
    // The URI may hold a password: records print every field, so this one prints it masked.
    return "Settings[uri=" + maskedUri() + ", namespace=" + namespace + ", heartbeat=" + heartbeat
        + ", http=" + http + ", drainTimeout=" + drainTimeout + ", agents=" + agents + "]";
  }

  /**
   * One agent to run: its class, how many instances, and optionally how each instance consumes,
   * overriding what the class declares. Null fields mean "as declared by the class" (one instance
   * when nobody says).
   *
   * <p>The class is an {@link dev.reef.agent.AgentDefinition @AgentDefinition} class, or a class
   * implementing {@code Supplier<AgentSpec>} (for agents built from lambdas); both need a public or
   * package-private no-argument constructor.
   *
   * @param className the fully qualified class name
   * @param instances how many instances this JVM runs, or null for one
   * @param concurrency sequential or concurrent handling, or null
   * @param poolSize worker threads of the agent, or null
   * @param prefetch the most unfinished spores one instance holds, or null
   * @param maxAttempts handler attempts per spore before it is dead-lettered, or null
   */
  public record Agent(
      String className, Integer instances, Concurrency concurrency, Integer poolSize, Integer prefetch,
      Integer maxAttempts) {
    private static final Pattern CLASS_NAME =
        Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}"
            + "\\p{javaJavaIdentifierPart}*)*");
    /** More instances than this in one JVM is a typo, not a plan. */
    static final int MAX_INSTANCES = 1_000;

    /** Checks the fields. */
    public Agent {
      Objects.requireNonNull(className, "className");
      if (!CLASS_NAME.matcher(className).matches()) {
        throw new IllegalArgumentException("'" + className + "' is not a Java class name (e.g. com.example.MyAgent)");
      }
      requireRange("instances of " + className, instances, 1, MAX_INSTANCES);
      requireRange("pool_size of " + className, poolSize, 1, 10_000);
      requireRange("prefetch of " + className, prefetch, 1, 65_535);
      requireRange("max_attempts of " + className, maxAttempts, 1, 1_000);
    }

    /** The agent {@code className} with the class's own settings. */
    public static Agent of(String className) {
      return new Agent(className, null, null, null, null, null);
    }

    /**
     * Reads {@code CLASS} or {@code CLASS=INSTANCES}, as written on the command line and in {@code
     * REEF_AGENTS}.
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static Agent parse(String text) {
      Objects.requireNonNull(text, "agent");
      String trimmed = text.trim();
      int equals = trimmed.indexOf('=');
      if (equals < 0) {
        return of(trimmed);
      }
      String count = trimmed.substring(equals + 1).trim();
      int instances;
      try {
        instances = Integer.parseInt(count);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid agent '" + text + "': expected CLASS or CLASS=INSTANCES, and '"
            + count + "' is not a number");
      }
      return new Agent(trimmed.substring(0, equals).trim(), instances, null, null, null, null);
    }

    /** Reads {@code sequential} or {@code concurrent}. */
    static Concurrency concurrency(String text) {
      try {
        return Concurrency.valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("concurrency must be 'sequential' or 'concurrent', got '" + text + "'");
      }
    }

    /** The number of instances to start. */
    public int instanceCount() {
      return instances == null ? 1 : instances;
    }

    /** This entry's settings, and {@code lower}'s where this one has none (both for the same class). */
    Agent over(Agent lower) {
      if (!className.equals(lower.className)) {
        throw new IllegalArgumentException("cannot merge settings of " + className + " and " + lower.className);
      }
      return new Agent(className, first(instances, lower.instances), first(concurrency, lower.concurrency),
          first(poolSize, lower.poolSize), first(prefetch, lower.prefetch), first(maxAttempts, lower.maxAttempts));
    }

    private static <T> T first(T preferred, T fallback) {
      return preferred != null ? preferred : fallback;
    }

    private static void requireRange(String what, Integer value, int min, int max) {
      if (value != null && (value < min || value > max)) {
        throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + value);
      }
    }

    @Override
    public String toString() {
      return className + "=" + instanceCount();
    }
  }
}
