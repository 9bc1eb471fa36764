package dev.reef;

import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in submission order, on a Vert.x worker pool. Vert.x orders blocking
 * tasks per context, but deliveries come from backend threads that have none, so sequential agents
 * keep their own queue and drain it from the pool ({@link WorkerPools#executor}).
 */
final class SerialExecutor {
  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      pool.execute(this::drain);
    }
  }

  private void drain() {
    do {
      Runnable task = tasks.poll();
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // A task handles its own failures; this keeps one broken task from stalling the queue.
        org.slf4j.LoggerFactory.getLogger(SerialExecutor.class).error("task failed", e);
      }
    } while (pending.decrementAndGet() > 0);
  }
}
