package dev.reef;

/**
 * The engine behind {@link Reef.Builder#build()}, found with {@link java.util.ServiceLoader}.
 * reef-core holds the one implementation; this seam keeps the API packages free of the engine's.
 * Not for application code.
 */
public interface ReefProvider {

  /** Builds a Reef as {@code options} say. */
  Reef create(ReefOptions options);
}
