package dev.reef;

/** A running {@link SporeObserver} (or directory listener); closing it stops the observation. */
public interface Observation extends AutoCloseable {

  /** Stops observing. Idempotent. */
  @Override
  void close();
}
