package dev.reef.internal.engine;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in submission order, on an executor: how a sequential agent's deliveries
 * and the parts of one stream stay in order. One submission to the executor drains a burst of tasks
 * (up to {@value #BUDGET}, then it yields and continues in a new submission), so that the executor's
 * own cost per task (a Vert.x context dispatch) is paid per burst, not per spore.
 */
final class SerialExecutor implements Executor {
  private static final int BUDGET = 256;

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      pool.execute(this::drain);
    }
  }

  private void drain() {
    int ran = 0;
    do {
      tasks.poll().run(); // each task handles its own failures
      if (++ran == BUDGET && pending.get() > 1) {
        pending.decrementAndGet();
        pool.execute(this::drain); // let the pool's other work in before the rest
        return;
      }
    } while (pending.decrementAndGet() > 0);
  }
}
