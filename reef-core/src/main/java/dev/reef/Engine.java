package dev.reef;

import java.util.Iterator;
import java.util.ServiceLoader;

/** Finds the {@link ReefProvider} once, on first use. */
final class Engine {
  private static final ReefProvider PROVIDER = load();

  private Engine() {}

  static ReefProvider provider() {
    return PROVIDER;
  }

  private static ReefProvider load() {
    Iterator<ReefProvider> found = ServiceLoader.load(ReefProvider.class, ReefProvider.class.getClassLoader())
        .iterator();
    if (!found.hasNext()) {
      throw new IllegalStateException("no Reef engine on the class path: the META-INF/services entry for "
          + ReefProvider.class.getName() + " from reef-core is missing (a shaded jar must merge service files)");
    }
    return found.next();
  }
}
