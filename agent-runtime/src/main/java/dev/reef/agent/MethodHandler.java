package dev.reef.agent;

import dev.reef.HandlerContext;
import dev.reef.SporeHandler;
import dev.reef.spore.Spore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Calls an {@link OnSpore} method; the method's own exception, not a reflection wrapper, fails the spore. */
final class MethodHandler implements SporeHandler {
  private final Object target;
  private final Method method;
  private final boolean takesContext;

  private MethodHandler(Object target, Method method) {
    this.target = target;
    this.method = method;
    this.takesContext = method.getParameterCount() == 2;
  }

  static MethodHandler of(Object target, Method method) {
    if (!method.trySetAccessible()) {
      throw new IllegalArgumentException("cannot access @OnSpore method " + method);
    }
    return new MethodHandler(target, method);
  }

  @Override
  public Object handle(Spore spore, HandlerContext context) throws Exception {
    try {
      return takesContext ? method.invoke(target, spore, context) : method.invoke(target, spore);
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

  @Override
  public String toString() {
    return method.toString();
  }
}
