package dev.reef.internal.history;

import dev.reef.Action;

/** Checks that the Reef is open and that the {@link dev.reef.Authorizer} allows an action on a channel. */
@FunctionalInterface
public interface HistoryGuard {

  /**
   * @throws dev.reef.AccessDeniedException when refused
   * @throws dev.reef.ReefClosedException when the Reef is closed
   */
  void check(Action action, String channel);
}
