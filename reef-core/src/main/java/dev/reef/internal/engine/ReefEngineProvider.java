package dev.reef.internal.engine;

import dev.reef.Reef;
import dev.reef.ReefOptions;
import dev.reef.ReefProvider;

/** The engine behind {@code Reef.builder()}, registered with {@link java.util.ServiceLoader}. */
public final class ReefEngineProvider implements ReefProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public ReefEngineProvider() {}

  @Override
  public Reef create(ReefOptions options) {
    return ReefEngine.open(options);
  }
}
