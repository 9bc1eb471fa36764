package dev.reef;

import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.WorkerExecutorInternal;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands tasks to a Vert.x worker pool's threads.
 *
 * <p>{@link WorkerExecutor#executeBlocking} called from a thread that is not Vert.x's (a backend's
 * delivery thread) makes a new event-loop context, a promise and a future for every task, which
 * the agents never use: on the in-memory hot path that was a tenth of the worker's time. The pool's
 * own executor runs the task on the same worker threads without them.
 */
final class WorkerPools {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPools.class);

  private WorkerPools() {}

  /**
   * The executor of {@code pool}'s threads; {@code executeBlocking} if Vert.x does not expose it. A
   * task that throws is logged, not lost. Like {@code executeBlocking}, {@code execute} throws
   * {@link java.util.concurrent.RejectedExecutionException} once the pool is closed.
   */
  static Executor executor(WorkerExecutor pool) {
    if (pool instanceof WorkerExecutorInternal internal && internal.pool() != null
        && internal.pool().executor() != null) {
      return new Direct(pool, internal.pool().executor());
    }
    return task -> pool.executeBlocking(() -> {
      runLogged(task);
      return null;
    }, false);
  }

  /**
   * The pool's threads. It holds the {@link WorkerExecutor} too: Vert.x closes a worker executor that
   * is no longer reachable, so whoever keeps this executor must keep the pool alive with it.
   */
  private record Direct(WorkerExecutor pool, Executor threads) implements Executor {
    @Override
    public void execute(Runnable task) {
      threads.execute(() -> runLogged(task));
    }
  }

  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.error("a task on an agent's worker pool failed", e);
    }
  }
}
