package dev.reef.spi;

/** A running {@link dev.reef.SporeObserver}; closing it stops the observation. */
public interface Observation extends AutoCloseable {

  /** Stops observing. Idempotent. */
  @Override
  void close();
}
