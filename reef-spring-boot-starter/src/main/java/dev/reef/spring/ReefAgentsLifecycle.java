package dev.reef.spring;

import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the application's agents: every bean whose class carries {@link AgentDefinition}, and every
 * {@link AgentSpec} bean, with the {@code reef.agents.NAME.*} options over their own. They start once
 * the context is refreshed, before the web server takes requests, and stop after it, each draining:
 * no new spores, the running handlers finish (up to {@code reef.drain-timeout}) and are
 * acknowledged, spores not started stay queued for the agent.
 */
public final class ReefAgentsLifecycle implements SmartLifecycle {
  /**
   * Below the web server's phases (Boot's graceful shutdown stops it at {@code DEFAULT_PHASE - 1024},
   * its start and stop at {@code DEFAULT_PHASE - 2048}): agents start before it and stop after it,
   * so that no request reaches an agent that has stopped.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
  private static final Logger LOG = LoggerFactory.getLogger(ReefAgentsLifecycle.class);

  private final Reef reef;
  private final ReefProperties properties;
  private final ListableBeanFactory beans;
  private final Object lock = new Object();
  private AgentRuntime runtime; // guarded by lock; null while stopped

  /** Agents from {@code beans}, run on {@code reef} as {@code properties} say. */
  public ReefAgentsLifecycle(Reef reef, ReefProperties properties, ListableBeanFactory beans) {
    this.reef = Objects.requireNonNull(reef, "reef");
    this.properties = Objects.requireNonNull(properties, "properties");
    this.beans = Objects.requireNonNull(beans, "beans");
  }

  /**
   * Registers every agent and starts its instances.
   *
   * @throws IllegalStateException when {@code reef.agents} names an agent that no bean defines, or an
   *     agent cannot start (the instances started so far are stopped again)
   */
  @Override
  public void start() {
    synchronized (lock) {
      if (runtime != null) {
        return;
      }
      List<AgentSpec> specs = agentSpecs();
      requireConfiguredAgentsExist(specs);
      AgentRuntime started = AgentRuntime.on(reef);
      try {
        for (AgentSpec spec : specs) {
          started.register(withProperties(spec, properties.agent(spec.name())));
        }
        for (AgentSpec spec : specs) {
          int instances = properties.agent(spec.name()).instances();
          if (instances > 0) {
            started.start(spec.name(), instances);
          }
        }
      } catch (RuntimeException e) {
        started.stop(properties.drainTimeout());
        throw new IllegalStateException("Reef could not start the application's agents: " + e.getMessage(), e);
      }
      runtime = started;
      LOG.info("Reef agents started in namespace '{}': {}", reef.namespace(), started.agentNames());
    }
  }

  /** Stops every agent instance, draining as {@link AgentRuntime#stop(java.time.Duration)} does. */
  @Override
  public void stop() {
    AgentRuntime stopping;
    synchronized (lock) {
      stopping = runtime;
      runtime = null;
    }
    if (stopping != null) {
      try {
        stopping.stop(properties.drainTimeout());
      } finally {
        stopping.close();
      }
      LOG.info("Reef agents stopped in namespace '{}'", reef.namespace());
    }
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return runtime != null;
    }
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** The runtime of the running agents (to list instances, or await quiescence); empty while stopped. */
  public Optional<AgentRuntime> runtime() {
    synchronized (lock) {
      return Optional.ofNullable(runtime);
    }
  }

  private List<AgentSpec> agentSpecs() {
    List<AgentSpec> specs = new ArrayList<>();
    for (Map.Entry<String, Object> bean : beans.getBeansWithAnnotation(AgentDefinition.class).entrySet()) {
      try {
        specs.add(AgentSpec.fromAnnotated(bean.getValue()));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("bean '" + bean.getKey() + "' is no valid Reef agent (a proxied bean is"
            + " not: its class must carry @AgentDefinition and its @OnSpore methods): " + e.getMessage(), e);
      }
    }
    specs.addAll(beans.getBeansOfType(AgentSpec.class).values());
    return specs;
  }

  private void requireConfiguredAgentsExist(List<AgentSpec> specs) {
    Set<String> defined = new TreeSet<>();
    specs.forEach(spec -> defined.add(spec.name()));
    Set<String> unknown = new TreeSet<>(properties.agents().keySet());
    unknown.removeAll(defined);
    if (!unknown.isEmpty()) {
      throw new IllegalStateException("reef.agents configures " + unknown + ", which no bean defines (agents: "
          + defined + ")");
    }
  }

  /** {@code spec} with the options the properties set. */
  static AgentSpec withProperties(AgentSpec spec, ReefProperties.Agent agent) {
    SubscriptionOptions.Builder options = spec.options().toBuilder();
    if (agent.concurrency() != null) {
      options.concurrency(agent.concurrency());
    }
    if (agent.poolSize() != null) {
      options.poolSize(agent.poolSize());
    }
    if (agent.prefetch() != null) {
      options.prefetch(agent.prefetch());
    }
    if (agent.maxAttempts() != null) {
      RetryPolicy retry = spec.options().retry();
      options.retry(new RetryPolicy(agent.maxAttempts(), retry.initialBackoff(), retry.multiplier(), retry.maxBackoff()));
    }
    if (agent.handlerTimeout() != null) {
      options.handlerTimeout(agent.handlerTimeout());
    }
    return new AgentSpec(spec.name(), spec.channels(), options.build(), spec.routes());
  }
}
