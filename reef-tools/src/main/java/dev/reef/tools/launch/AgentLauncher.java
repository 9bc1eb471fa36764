package dev.reef.tools.launch;

import dev.reef.Reef;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import dev.reef.tools.http.ReefHttpServer;
import dev.reef.tools.internal.Durations;
import dev.reef.tools.internal.Secrets;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the agents {@link Settings} name in this JVM (SPEC §6): connects, registers and starts them,
 * serves {@code /health}, {@code /metrics} and the dashboard when an HTTP port is set, and stops
 * gracefully: every agent stops taking spores at once, in-flight handlers finish (up to the drain
 * timeout) and are acknowledged, spores not started go back to their queues for other instances,
 * then the connection closes.
 *
 * <pre>{@code
 * Settings settings = Settings.resolve(flags, configFile, System.getenv());
 * AgentLauncher launcher = AgentLauncher.start(settings);
 * launcher.closeOnShutdown(System.err::println);   // SIGTERM or Ctrl-C: graceful stop, exit code 0
 * launcher.awaitStopped();
 * }</pre>
 */
// SPEC §7 names the Prometheus simpleclient registry, which Micrometer deprecated for the 1.x client.
@SuppressWarnings("deprecation")
public final class AgentLauncher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentLauncher.class);

  private final Settings settings;
  private final ReefConnection connection;
  private final AgentRuntime runtime;
  private final PrometheusMeterRegistry registry;
  private final Map<String, Integer> instances;
  private final ReefHttpServer http;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private AgentLauncher(Settings settings, ReefConnection connection, AgentRuntime runtime,
      PrometheusMeterRegistry registry, Map<String, Integer> instances, ReefHttpServer http) {
    this.settings = settings;
    this.connection = connection;
    this.runtime = runtime;
    this.registry = registry;
    this.instances = Collections.unmodifiableMap(new LinkedHashMap<>(instances));
    this.http = http;
  }

  /** Starts the agents with classes from the thread's context class loader; see {@link #start(Settings, ClassLoader)}. */
  public static AgentLauncher start(Settings settings) {
    return start(settings, Thread.currentThread().getContextClassLoader());
  }

  /**
   * Loads every agent class (before connecting, so that a wrong name fails fast), connects, starts
   * the agents' instances and, when the {@linkplain Settings#http() HTTP port} is set, the HTTP server.
   *
   * @param settings resolved settings (see {@link Settings#resolve})
   * @throws IllegalArgumentException when there is no agent, an agent class is wrong, two classes
   *     define the same agent name, or the URI is invalid
   * @throws dev.reef.ReefException when the broker cannot be reached
   * @throws java.io.UncheckedIOException when the HTTP port cannot be bound
   */
  public static AgentLauncher start(Settings settings, ClassLoader classLoader) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(classLoader, "classLoader");
    if (settings.agents().isEmpty()) {
      throw new IllegalArgumentException("no agents to run: name agent classes (CLASS[=INSTANCES]), set "
          + Settings.ENV_AGENTS + ", or list them under \"agents\" in a config file");
    }
    Map<AgentSpec, Integer> specs = new LinkedHashMap<>();
    Map<String, String> classOfAgent = new LinkedHashMap<>();
    for (Settings.Agent entry : settings.agents()) {
      AgentSpec spec = AgentClasses.load(entry, classLoader);
      String other = classOfAgent.putIfAbsent(spec.name(), entry.className());
      if (other != null) {
        throw new IllegalArgumentException("agent classes " + other + " and " + entry.className()
            + " both define the agent '" + spec.name() + "'");
      }
      specs.put(spec, entry.instanceCount());
    }

    PrometheusMeterRegistry registry = Registries.prometheus();
    ReefConnection connection = ReefConnection.open(settings, registry);
    AgentRuntime runtime = null;
    try {
      runtime = AgentRuntime.on(connection.reef());
      Map<String, Integer> started = new LinkedHashMap<>();
      for (Map.Entry<AgentSpec, Integer> spec : specs.entrySet()) {
        runtime.register(spec.getKey());
        runtime.start(spec.getKey().name(), spec.getValue());
        started.put(spec.getKey().name(), spec.getValue());
      }
      ReefHttpServer http = settings.http().port() == null ? null : serveHttp(connection, runtime, registry,
          settings.http());
      AgentLauncher launcher = new AgentLauncher(settings, connection, runtime, registry, started, http);
      LOG.info("running {} on {}", launcher.describeAgents(), connection.describe());
      return launcher;
    } catch (RuntimeException e) {
      if (runtime != null) {
        runtime.close();
      }
      connection.reef().close(Duration.ZERO);
      throw e;
    }
  }

  private static ReefHttpServer serveHttp(ReefConnection connection, AgentRuntime runtime,
      PrometheusMeterRegistry registry, HttpSettings http) {
    ReefHttpServer.Builder server = ReefHttpServer.builder(connection.reef(), runtime, registry)
        .host(http.host() != null ? http.host() : HttpSettings.DEFAULT_HOST)
        .port(http.port())
        .showKnowledge(http.knowledgeShown());
    if (http.token() != null) {
      server.token(http.token());
    }
    return server.start();
  }

  /** The Reef the agents run on. */
  public Reef reef() {
    return connection.reef();
  }

  /** The connection. */
  public ReefConnection connection() {
    return connection;
  }

  /** The runtime holding the agents. */
  public AgentRuntime runtime() {
    return runtime;
  }

  /** The registry of the Reef's meters, served on {@code /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The address the HTTP server binds, or null without one. */
  public String httpHost() {
    return http == null ? null : http.host();
  }

  /** The HTTP port served, or -1 without an HTTP server. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** Agent name to the number of instances started, in start order. */
  public Map<String, Integer> instances() {
    return instances;
  }

  /** The agents and their instance counts, e.g. {@code calculator x1, worker x2}. */
  public String describeAgents() {
    List<String> parts = new ArrayList<>();
    runtime.agentNames().forEach(name -> parts.add(name + " x" + instances.getOrDefault(name, 0)));
    return String.join(", ", parts);
  }

  /**
   * Stops gracefully when the JVM is asked to end (SIGTERM, SIGINT, {@code System.exit}), then ends it
   * with exit code 0 after a clean stop, 1 when stopping failed.
   *
   * <p>Why a shutdown hook that ends with {@link Runtime#halt}: the hook is the portable way to run
   * code on SIGTERM (the alternative, {@code sun.misc.Signal}, is an unsupported internal API), but a
   * JVM that ends because of a signal reports 128 + the signal (143 for SIGTERM) once its hooks are
   * done, which process supervisors and scripts read as a failure. Halting after the stop reports what
   * really happened. The cost: shutdown hooks of other libraries still running at that moment are cut
   * short, and an exit code passed to {@code System.exit} by an agent is replaced.
   *
   * @param status told what happens ("stopping ...", "stopped ..."), e.g. {@code System.err::println}
   */
  public void closeOnShutdown(Consumer<String> status) {
    Objects.requireNonNull(status, "status");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int exitCode = 0;
      try {
        status.accept("stopping: no new spores; in-flight handlers get up to "
            + Durations.format(settings.drainTimeout()) + " to finish");
        close();
        status.accept("stopped cleanly");
      } catch (RuntimeException | Error e) {
        status.accept("stopping failed: " + Secrets.mask(e.toString()));
        exitCode = 1;
      }
      Runtime.getRuntime().halt(exitCode);
    }, "reef-shutdown"));
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops gracefully, as the class comment says: no new spores, in-flight handlers finish within the
   * drain timeout and are acknowledged, then the connection and the HTTP server close. Idempotent;
   * a second caller waits for the first to finish.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      // Closing the Reef stops every instance at once, then drains them together within one timeout.
      connection.reef().close(settings.drainTimeout());
      runtime.close();
      if (http != null) {
        http.close();
      }
      LOG.info("stopped {}", describeAgents());
    } finally {
      stopped.countDown();
    }
  }

  @Override
  public String toString() {
    return "AgentLauncher[" + describeAgents() + " on " + connection.describe() + "]";
  }
}
