package dev.reef;

import dev.reef.spore.Spore;

/**
 * Sees every spore published on a channel, directed or broadcast, without taking it from anyone:
 * what {@code reef tail} and the dashboard show. Runs on a backend thread: it must be quick and must
 * not block. Observation is best-effort: an observer that cannot keep up, or a lost connection, may
 * miss spores; agents never do.
 */
@FunctionalInterface
public interface SporeObserver {

  /** Sees one spore published on {@code channel}. */
  void observe(String channel, Spore spore);
}
