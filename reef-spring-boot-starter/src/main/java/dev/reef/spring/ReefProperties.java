package dev.reef.spring;

import dev.reef.Concurrency;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code reef.*} properties, bound once at start-up.
 *
 * <pre>
 * reef.uri=amqp://reef:secret@rabbit:5672/prod      # default memory: (one JVM)
 * reef.namespace=orders
 * reef.heartbeat=5s
 * reef.drain-timeout=20s
 * reef.agents.calculator.instances=2
 * reef.agents.calculator.concurrency=concurrent
 * reef.agents.calculator.pool-size=8
 * </pre>
 *
 * @param uri the backend: {@code memory:}, {@code memory://NAME}, {@code amqp://...} or {@code
 *     amqps://...} (which need {@code reef-amqp} on the class path)
 * @param namespace the namespace prefixing every broker object
 * @param heartbeat how often the directory hears that this application's agents are alive
 * @param drainTimeout how long shutting down waits for handlers still running
 * @param agents options per agent name, over what its definition says
 */
@ConfigurationProperties("reef")
public record ReefProperties(
    @DefaultValue("memory:") String uri,
    @DefaultValue("reef") String namespace,
    @DefaultValue("5s") Duration heartbeat,
    @DefaultValue("10s") Duration drainTimeout,
    Map<String, Agent> agents) {

  /** Checks what Spring bound; the Reef builder checks the rest (URI syntax, names, ranges) with its own messages. */
  public ReefProperties {
    requireText("reef.uri", uri);
    requireText("reef.namespace", namespace);
    Objects.requireNonNull(heartbeat, "reef.heartbeat");
    Objects.requireNonNull(drainTimeout, "reef.drain-timeout");
    agents = agents == null ? Map.of() : Map.copyOf(agents);
  }

  /** The options of the agent {@code name}, or defaults when none are set. */
  public Agent agent(String name) {
    return agents.getOrDefault(name, Agent.DEFAULTS);
  }

  private static void requireText(String property, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(property + " must not be empty");
    }
  }

  /**
   * One agent's options ({@code reef.agents.NAME.*}); those not set keep what the agent's definition says.
   *
   * @param instances how many instances this application runs (0: none, the agent is only registered)
   * @param concurrency {@code sequential} or {@code concurrent} handling per instance
   * @param poolSize threads of the agent's worker pool
   * @param prefetch the most unfinished spores one instance holds
   * @param maxAttempts handler attempts per spore, the first included, before it is dead-lettered
   * @param handlerTimeout how long one handler may run before its attempt fails
   */
  public record Agent(
      @DefaultValue("1") int instances,
      Concurrency concurrency,
      Integer poolSize,
      Integer prefetch,
      Integer maxAttempts,
      Duration handlerTimeout) {

    /** What an agent without properties gets: one instance, its definition's options. */
    public static final Agent DEFAULTS = new Agent(1, null, null, null, null, null);

    /** Checks the instance count; the options are checked by the subscription options' builder. */
    public Agent {
      if (instances < 0) {
        throw new IllegalArgumentException("reef.agents.*.instances must not be negative, got " + instances);
      }
    }
  }
}
