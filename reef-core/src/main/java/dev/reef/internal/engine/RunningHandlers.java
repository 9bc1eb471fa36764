package dev.reef.internal.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The handler runs of one agent instance that hold a worker thread now. An instance that stops past
 * its drain timeout interrupts them: their spores are back in the queue for another instance, and a
 * handler stuck in a blocking call (a model that never answers) would otherwise keep its thread, and
 * the instance's worker deployment, for as long as it likes.
 *
 * <p>It is on every spore's path. A sequential agent's lane runs one handler at a time, so its run is
 * kept in one field, with a store each way and no lock; a concurrent agent's runs go in a concurrent
 * set.
 */
final class RunningHandlers {
  /** A handler run, interruptible while its handler is on its thread. */
  interface Run {
    /** Interrupts the run's thread if the handler is still on it (and only then: the thread moves on). */
    void interruptIfOnThread();
  }

  private final AtomicReference<Run> only; // one at a time: a sequential agent
  private final Set<Run> many; // a concurrent agent
  private final DeadlineWait gone = new DeadlineWait(); // a stopping instance waits for none on a thread

  private RunningHandlers(boolean oneAtATime) {
    this.only = oneAtATime ? new AtomicReference<>() : null;
    this.many = oneAtATime ? null : ConcurrentHashMap.newKeySet();
  }

  /** For a lane that runs one task at a time ({@code oneAtATime}), or any number. */
  static RunningHandlers of(boolean oneAtATime) {
    return new RunningHandlers(oneAtATime);
  }

  /** {@code run}'s handler is starting on the current thread. */
  void entered(Run run) {
    if (only != null) {
      only.lazySet(run); // read only by a stop that has waited a drain timeout: an ordered store is enough
    } else {
      many.add(run);
    }
  }

  /** {@code run}'s handler has left its thread (it returned, threw, or returned a stage still pending). */
  void left(Run run) {
    if (only != null) {
      only.set(null); // a full store, before the signal reads whether a stop waits (see DeadlineWait)
    } else {
      many.remove(run);
    }
    gone.signal();
  }

  /** Interrupts every run on a thread now. */
  void interruptAll() {
    running().forEach(Run::interruptIfOnThread);
  }

  /**
   * Waits until no run is on a thread, or until {@code deadlineNanos} ({@link System#nanoTime()});
   * true when none is.
   */
  boolean awaitNone(long deadlineNanos) {
    return gone.await(() -> running().isEmpty(), deadlineNanos);
  }

  private List<Run> running() {
    if (only != null) {
      Run run = only.get();
      return run == null ? List.of() : List.of(run);
    }
    return List.copyOf(many);
  }
}
