package dev.reef.agent;

import java.util.function.Consumer;

/** Stopping many things at once: every one is tried, and no failure hides another. */
final class Failures {

  private Failures() {}

  /**
   * Applies {@code action} to every item, even when it throws for some; then throws the first
   * failure, with the later ones {@linkplain Throwable#addSuppressed suppressed} in it.
   */
  static <T> void runAll(Iterable<? extends T> items, Consumer<? super T> action) {
    RuntimeException failure = null;
    for (T item : items) {
      try {
        action.accept(item);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
