package dev.reef.tools.launch;

import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.AgentSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;

/**
 * Turns an {@link Settings.Agent} into an {@link AgentSpec}: loads the class by name, compiles it (an
 * {@link AgentDefinition} class, or a {@code Supplier<AgentSpec>}), and applies the entry's
 * overrides of how instances consume.
 */
final class AgentClasses {

  private AgentClasses() {}

  /**
   * The spec of {@code entry}'s agent, with its overrides.
   *
   * @throws IllegalArgumentException when the class cannot be found, created or compiled, or is not an agent
   */
  static AgentSpec load(Settings.Agent entry, ClassLoader loader) {
    Class<?> type = find(entry.className(), loader);
    AgentSpec spec;
    if (type.isAnnotationPresent(AgentDefinition.class)) {
      spec = AgentSpec.fromAnnotatedClass(type);
    } else if (Supplier.class.isAssignableFrom(type)) {
      spec = fromSupplier(type);
    } else {
      throw new IllegalArgumentException("class " + type.getName() + " is not an agent: annotate it with @"
          + AgentDefinition.class.getSimpleName() + ", or make it a Supplier<AgentSpec>");
    }
    return withOverrides(spec, entry);
  }

  /** {@code spec} with the consumption settings {@code entry} sets. */
  static AgentSpec withOverrides(AgentSpec spec, Settings.Agent entry) {
    if (entry.concurrency() == null && entry.poolSize() == null && entry.prefetch() == null
        && entry.maxAttempts() == null) {
      return spec;
    }
    SubscriptionOptions.Builder options = spec.options().toBuilder();
    if (entry.concurrency() != null) {
      options.concurrency(entry.concurrency());
    }
    if (entry.poolSize() != null) {
      options.poolSize(entry.poolSize());
    }
    if (entry.prefetch() != null) {
      options.prefetch(entry.prefetch());
    }
    if (entry.maxAttempts() != null) {
      RetryPolicy retry = spec.options().retry();
      options.retry(new RetryPolicy(entry.maxAttempts(), retry.initialBackoff(), retry.multiplier(), retry.maxBackoff()));
    }
    return new AgentSpec(spec.name(), spec.channels(), options.build(), spec.routes());
  }

  private static Class<?> find(String className, ClassLoader loader) {
    try {
      return Class.forName(className, true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("agent class " + className + " is not on the class path");
    } catch (LinkageError e) {
      throw new IllegalArgumentException("agent class " + className + " cannot be loaded: " + e, e);
    }
  }

  private static AgentSpec fromSupplier(Class<?> type) {
    Object supplier;
    try {
      Constructor<?> constructor = type.getDeclaredConstructor();
      if (!constructor.trySetAccessible()) {
        throw new IllegalArgumentException("cannot access the constructor of agent class " + type.getName());
      }
      supplier = constructor.newInstance();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("agent class " + type.getName() + " needs a no-argument constructor");
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("the constructor of agent class " + type.getName() + " failed: "
          + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot create agent class " + type.getName() + ": " + e, e);
    }
    Object spec = ((Supplier<?>) supplier).get();
    if (!(spec instanceof AgentSpec agentSpec)) {
      throw new IllegalArgumentException("agent class " + type.getName() + " supplied "
          + (spec == null ? "null" : "a " + spec.getClass().getName()) + ", not an AgentSpec");
    }
    return agentSpec;
  }
}
