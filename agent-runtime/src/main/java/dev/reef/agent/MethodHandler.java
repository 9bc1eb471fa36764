package dev.reef.agent;

import dev.reef.HandlerContext;
import dev.reef.SporeHandler;
import dev.reef.UnprocessableSporeException;
import dev.reef.spore.Spore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Calls an {@link OnSpore} method with what it asks for: the {@link Spore}, the {@link
 * HandlerContext}, and the knowledge read as the method's own type (a record or bean), in any order.
 * Knowledge that does not fit that type is unprocessable: dead-lettered at once with the reason. The
 * method's own exception, not a reflection wrapper, fails the spore.
 */
final class MethodHandler implements SporeHandler {
  /** What one parameter of the method receives. */
  private enum Argument { SPORE, CONTEXT, KNOWLEDGE }

  private final Object target;
  private final Method method;
  private final Argument[] arguments;
  private final Class<?> knowledgeType;

  private MethodHandler(Object target, Method method, Argument[] arguments, Class<?> knowledgeType) {
    this.target = target;
    this.method = method;
    this.arguments = arguments;
    this.knowledgeType = knowledgeType;
  }

  /**
   * A handler for {@code method} of {@code target}.
   *
   * @throws IllegalArgumentException naming the method when its parameters or modifiers do not fit
   */
  static MethodHandler of(Object target, Method method, String description) {
    if (Modifier.isStatic(method.getModifiers())) {
      throw new IllegalArgumentException("@OnSpore method " + description + " must not be static");
    }
    Class<?>[] parameters = method.getParameterTypes();
    Argument[] arguments = new Argument[parameters.length];
    Class<?> knowledgeType = null;
    for (int i = 0; i < parameters.length; i++) {
      Class<?> parameter = parameters[i];
      if (parameter == Spore.class) {
        arguments[i] = Argument.SPORE;
      } else if (parameter == HandlerContext.class) {
        arguments[i] = Argument.CONTEXT;
      } else if (knowledgeType == null && canBeAnObject(parameter)) {
        arguments[i] = Argument.KNOWLEDGE;
        knowledgeType = parameter;
      } else {
        arguments[i] = null;
      }
    }
    boolean fits = parameters.length >= 1 && parameters.length <= 3 && count(arguments, Argument.SPORE) <= 1
        && count(arguments, Argument.CONTEXT) <= 1 && count(arguments, null) == 0;
    if (!fits) {
      throw new IllegalArgumentException("@OnSpore method " + description + " must take the spore, the context and/or"
          + " the knowledge as one record or bean, each at most once: e.g. (Spore), (Order, HandlerContext)");
    }
    if (!method.trySetAccessible()) {
      throw new IllegalArgumentException("cannot access @OnSpore method " + description);
    }
    return new MethodHandler(target, method, arguments, knowledgeType);
  }

  /** Knowledge is a JSON object: a record, a bean or a map can hold it; a string, number or list cannot. */
  private static boolean canBeAnObject(Class<?> type) {
    return !type.isPrimitive() && !type.isArray() && !type.isEnum() && !CharSequence.class.isAssignableFrom(type)
        && !Number.class.isAssignableFrom(type) && type != Boolean.class && type != Character.class
        && !java.util.Collection.class.isAssignableFrom(type);
  }

  private static int count(Argument[] arguments, Argument kind) {
    int count = 0;
    for (Argument argument : arguments) {
      if (argument == kind) {
        count++;
      }
    }
    return count;
  }

  @Override
  public Object handle(Spore spore, HandlerContext context) throws Exception {
    Object[] values = new Object[arguments.length];
    for (int i = 0; i < arguments.length; i++) {
      values[i] = switch (arguments[i]) {
        case SPORE -> spore;
        case CONTEXT -> context;
        case KNOWLEDGE -> knowledge(spore);
      };
    }
    try {
      return method.invoke(target, values);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private Object knowledge(Spore spore) {
    try {
      return spore.knowledge(knowledgeType);
    } catch (IllegalArgumentException e) {
      throw new UnprocessableSporeException("spore " + spore.id() + " cannot be read as the "
          + knowledgeType.getName() + " that " + method.getName() + " takes: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return method.toString();
  }
}
