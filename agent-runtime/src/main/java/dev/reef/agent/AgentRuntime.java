package dev.reef.agent;

import dev.reef.Reef;
import dev.reef.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs agents on a {@link Reef}: register their {@link AgentSpec}s (or annotated classes), start
 * instances, wait for quiet, stop with drain.
 *
 * <pre>{@code
 * try (AgentRuntime runtime = AgentRuntime.on(reef)) {
 *   runtime.register(Researcher.class).register(summarizerSpec);
 *   runtime.start("researcher", 1);
 *   runtime.start("summarizer", 2);
 *   ...
 *   runtime.awaitQuiescence(Duration.ofSeconds(5));
 * }                                                   // stops every instance, draining in-flight spores
 * }</pre>
 *
 * <p>Each instance subscribes once per channel of its agent through {@link
 * dev.reef.Channel#subscribe}, so its handlers run on the agent's Vert.x worker pool with the
 * agent's options; several instances of one agent share its spores. Thread-safe. Closing the runtime
 * does not close the Reef.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);

  private final Reef reef;
  private final Object lock = new Object();
  private final Map<String, AgentSpec> specs = new LinkedHashMap<>(); // guarded by lock
  private final Map<String, List<RunningInstance>> running = new LinkedHashMap<>(); // guarded by lock
  private boolean closed; // guarded by lock

  private AgentRuntime(Reef reef) {
    this.reef = reef;
  }

  /** A runtime for agents on {@code reef}. */
  public static AgentRuntime on(Reef reef) {
    Objects.requireNonNull(reef, "reef");
    if (reef.isClosed()) {
      throw new IllegalStateException("cannot run agents on a closed Reef");
    }
    return new AgentRuntime(reef);
  }

  /**
   * Registers an agent so that {@link #start} can run it.
   *
   * @throws IllegalArgumentException when an agent of that name is registered already
   * @throws IllegalStateException when the runtime is closed
   */
  public AgentRuntime register(AgentSpec spec) {
    Objects.requireNonNull(spec, "spec");
    synchronized (lock) {
      ensureOpen();
      if (specs.containsKey(spec.name())) {
        throw new IllegalArgumentException("an agent named '" + spec.name() + "' is registered already");
      }
      specs.put(spec.name(), spec);
    }
    return this;
  }

  /**
   * Registers an {@link AgentDefinition} object (see {@link AgentSpec#fromAnnotated}), or, given a
   * {@link Class}, a new object of it.
   *
   * @throws IllegalArgumentException when it is not a valid agent, or the name is taken
   */
  public AgentRuntime register(Object annotatedAgent) {
    Objects.requireNonNull(annotatedAgent, "annotatedAgent");
    return register(annotatedAgent instanceof AgentSpec spec ? spec : AgentSpec.fromAnnotated(annotatedAgent));
  }

  /**
   * Registers a new object of an {@link AgentDefinition} class (see {@link AgentSpec#fromAnnotatedClass}).
   *
   * @throws IllegalArgumentException when it is not a valid agent class, or the name is taken
   */
  public AgentRuntime register(Class<?> annotatedClass) {
    Objects.requireNonNull(annotatedClass, "annotatedClass");
    return register(AgentSpec.fromAnnotatedClass(annotatedClass));
  }

  /** The names of the registered agents, in registration order. */
  public Set<String> agentNames() {
    synchronized (lock) {
      return Collections.unmodifiableSet(new LinkedHashSet<>(specs.keySet()));
    }
  }

  /** The spec registered as {@code name}. */
  public AgentSpec spec(String name) {
    synchronized (lock) {
      return requireSpec(name);
    }
  }

  /**
   * Starts {@code count} more instances of the agent {@code name}: each subscribes on every channel
   * of the agent. When one cannot start, those started by this call are stopped again.
   *
   * @return the instances started
   * @throws IllegalArgumentException when no agent is registered as {@code name}, or {@code count} is not positive
   * @throws IllegalStateException when the runtime is closed
   */
  public List<RunningInstance> start(String name, int count) {
    Objects.requireNonNull(name, "name");
    if (count < 1) {
      throw new IllegalArgumentException("instance count for agent '" + name + "' must be at least 1, got " + count);
    }
    synchronized (lock) {
      ensureOpen();
      AgentSpec spec = requireSpec(name);
      List<RunningInstance> started = new ArrayList<>(count);
      try {
        for (int i = 0; i < count; i++) {
          started.add(startInstance(spec));
        }
      } catch (RuntimeException e) {
        stopQuietly(started, e);
        throw e;
      }
      running.computeIfAbsent(name, key -> new ArrayList<>()).addAll(started);
      LOG.debug("started {} instance(s) of agent '{}' on channels {}", count, name, spec.channels());
      return List.copyOf(started);
    }
  }

  private RunningInstance startInstance(AgentSpec spec) {
    List<Subscription> subscriptions = new ArrayList<>(spec.channels().size());
    try {
      for (String channel : spec.channels()) {
        subscriptions.add(reef.channel(channel).subscribe(spec.name(), spec.options(), new Router(reef, spec, channel)));
      }
    } catch (RuntimeException e) {
      stopQuietly(List.of(new RunningInstance(spec.name(), subscriptions)), e);
      throw e;
    }
    return new RunningInstance(spec.name(), subscriptions);
  }

  /**
   * The running instances of the agent {@code name}, in start order.
   *
   * @throws IllegalArgumentException when no agent is registered as {@code name}
   */
  public List<RunningInstance> instances(String name) {
    synchronized (lock) {
      requireSpec(name);
      List<RunningInstance> all = running.get(name);
      if (all == null) {
        return List.of();
      }
      all.removeIf(instance -> !instance.isActive()); // stopped one by one through RunningInstance.stop
      return List.copyOf(all);
    }
  }

  /**
   * Waits until no spore is queued for, or held by, the agents of this runtime's Reef, and no retry
   * is pending (Praval's {@code wait_for_completion}).
   *
   * @return true when quiet, false when {@code timeout} passed first
   */
  public boolean awaitQuiescence(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return reef.awaitQuiescence(timeout);
  }

  /**
   * Stops every running instance: they stop taking spores, finish the spores they hold (each
   * subscription waits up to the Reef's drain timeout) and acknowledge them; spores not started stay
   * queued for the agent. The agents stay registered and can be started again.
   */
  public void stop() {
    stopAll(RunningInstance::stop);
  }

  /** As {@link #stop()}, waiting at most {@code drainTimeout} in all for unfinished handlers. */
  public void stop(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout must not be negative, got " + drainTimeout);
    }
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    stopAll(instance -> instance.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
  }

  private void stopAll(Consumer<RunningInstance> stop) {
    List<RunningInstance> all = new ArrayList<>();
    synchronized (lock) {
      running.values().forEach(all::addAll);
      running.clear();
    }
    // Outside the lock: draining waits for handlers, which may themselves use the runtime.
    Failures.runAll(all, instance -> {
      try {
        stop.accept(instance);
      } catch (RuntimeException e) {
        LOG.warn("could not stop {} cleanly: {}", instance, e.toString());
        throw e;
      }
    });
  }

  /** True once {@link #close} has begun. */
  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** Stops every instance as {@link #stop()} does; the runtime takes no more registrations or starts. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stop();
  }

  private AgentSpec requireSpec(String name) {
    AgentSpec spec = specs.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("no agent named '" + name + "' is registered (registered: " + specs.keySet() + ")");
    }
    return spec;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this AgentRuntime is closed");
    }
  }

  /** Stops {@code instances} at once, adding any failure to {@code cause}, which the caller throws. */
  private static void stopQuietly(List<RunningInstance> instances, RuntimeException cause) {
    try {
      Failures.runAll(instances, instance -> instance.stop(Duration.ZERO));
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "AgentRuntime[agents=" + specs.keySet() + "]";
    }
  }
}
