package dev.reef.test;

import dev.reef.Reef;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link ReefTest}: resolves {@link Reef} and {@link ReefTestContext}
 * parameters to one {@link ReefTestContext} per test method (per class for
 * {@code @BeforeAll} methods and the constructor of a {@code PER_CLASS} test), and closes it when
 * that method (or class) is done. Register it with {@code @ReefTest}, or with {@code
 * @ExtendWith(ReefExtension.class)} for in-memory Reefs.
 */
public final class ReefExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ReefExtension.class);

  /** Called by JUnit. */
  public ReefExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Reef.class || type == ReefTestContext.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ReefTestContext test;
    try {
      test = context.getStore(STORE).getOrComputeIfAbsent(ReefTestContext.class,
          key -> ReefTestContext.open(backendOf(context)), ReefTestContext.class);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("cannot give " + parameter.getParameter() + " a Reef: " + e.getMessage(), e);
    }
    return parameter.getParameter().getType() == ReefTestContext.class ? test : test.reef();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeContextOf(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeContextOf(context);
  }

  private static void closeContextOf(ExtensionContext context) {
    ReefTestContext test = context.getStore(STORE).remove(ReefTestContext.class, ReefTestContext.class);
    if (test != null) {
      test.close();
    }
  }

  /** The backend of the nearest {@link ReefTest}: on the method, else on the class or an enclosing one. */
  static TestBackend backendOf(ExtensionContext context) {
    for (Optional<ExtensionContext> at = Optional.of(context); at.isPresent(); at = at.get().getParent()) {
      Optional<AnnotatedElement> element = at.get().getElement();
      if (element.isPresent()) {
        Optional<ReefTest> annotation = AnnotationSupport.findAnnotation(element.get(), ReefTest.class);
        if (annotation.isPresent()) {
          return annotation.get().backend();
        }
      }
    }
    return TestBackend.IN_MEMORY;
  }
}
