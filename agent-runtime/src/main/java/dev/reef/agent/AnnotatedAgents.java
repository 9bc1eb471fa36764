package dev.reef.agent;

import dev.reef.HandlerContext;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Compiles {@link AgentDefinition} classes into {@link AgentSpec}s. */
final class AnnotatedAgents {

  private AnnotatedAgents() {}

  static AgentDefinition definitionOf(Class<?> type) {
    AgentDefinition definition = type.getAnnotation(AgentDefinition.class);
    if (definition == null) {
      throw new IllegalArgumentException(
          "class " + type.getName() + " is not an agent: annotate it with @" + AgentDefinition.class.getSimpleName());
    }
    return definition;
  }

  static Object instantiate(Class<?> type) {
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      throw new IllegalArgumentException("agent class " + type.getName() + " is abstract: register a concrete class");
    }
    Constructor<?> constructor;
    try {
      constructor = type.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException("agent class " + type.getName() + " needs a no-argument constructor"
          + (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()) ? " (make the nested class static)" : "")
          + ", or register an instance of it");
    }
    if (!constructor.trySetAccessible()) {
      throw new IllegalArgumentException("cannot access the constructor of agent class " + type.getName());
    }
    try {
      return constructor.newInstance();
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "the constructor of agent class " + type.getName() + " failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot create agent class " + type.getName() + ": " + e, e);
    }
  }

  static AgentSpec compile(Class<?> type, Object agent) {
    AgentDefinition definition = definitionOf(type);
    List<AgentSpec.Route> routes = new ArrayList<>();
    for (Method method : handlerMethods(type)) {
      OnSpore on = method.getAnnotation(OnSpore.class);
      routes.add(new AgentSpec.Route(describe(method), Set.of(on.respondsTo()), Set.of(on.types()),
          MethodHandler.of(agent, method, describe(method))));
    }
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("agent class " + type.getName()
          + " has no handler: annotate a method with @OnSpore (taking the Spore, the HandlerContext and/or the"
          + " knowledge as a record)");
    }
    try {
      return new AgentSpec(definition.name(), Arrays.asList(definition.channels()), options(definition), routes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("@AgentDefinition of " + type.getName() + ": " + e.getMessage(), e);
    }
  }

  private static SubscriptionOptions options(AgentDefinition definition) {
    return SubscriptionOptions.builder()
        .concurrency(definition.concurrency())
        .poolSize(definition.poolSize())
        .prefetch(definition.prefetch())
        .capabilities(definition.capabilities())
        .retry(RetryPolicy.attempts(definition.maxAttempts()))
        .build();
  }

  /** The {@link OnSpore} methods of the class and its superclasses, overridden ones once, in a stable order. */
  private static List<Method> handlerMethods(Class<?> type) {
    List<Method> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
      Method[] declared = current.getDeclaredMethods();
      Arrays.sort(declared, Comparator.comparing(Method::getName).thenComparing(Method::toString));
      for (Method method : declared) {
        if (method.isSynthetic() || method.isBridge()) {
          continue;
        }
        String signature = method.getName() + Arrays.toString(method.getParameterTypes());
        if (!seen.add(signature)) {
          continue; // overridden by a subclass; the subclass's annotation decides
        }
        if (method.isAnnotationPresent(OnSpore.class)) {
          found.add(method);
        }
      }
    }
    return found;
  }

  private static String describe(Method method) {
    StringBuilder text = new StringBuilder(method.getDeclaringClass().getSimpleName())
        .append('.').append(method.getName()).append('(');
    Class<?>[] parameters = method.getParameterTypes();
    for (int i = 0; i < parameters.length; i++) {
      text.append(i == 0 ? "" : ", ").append(parameters[i].getSimpleName());
    }
    return text.append(')').toString();
  }
}
