package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  @Test
  void tasksRunOnTheWorkerPoolsThreads() throws Exception {
    Executor executor = WorkerPools.executor(vertx.createSharedWorkerExecutor("reef-test-pool", 1));
    CompletableFuture<String> thread = new CompletableFuture<>();
    executor.execute(() -> thread.complete(Thread.currentThread().getName() + " " + Context.isOnWorkerThread()));
    assertThat(thread.get(5, TimeUnit.SECONDS)).isEqualTo("reef-test-pool-0 true");
  }

  @Test
  void theExecutorKeepsItsPoolOpenWhenNobodyElseHoldsIt() throws Exception {
    // Vert.x closes a worker executor once it is unreachable; the executor must keep it reachable.
    Executor executor = WorkerPools.executor(vertx.createSharedWorkerExecutor("reef-test-orphan", 1));
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(20);
    }
    CompletableFuture<Boolean> ran = new CompletableFuture<>();
    executor.execute(() -> ran.complete(true));
    assertThat(ran.get(5, TimeUnit.SECONDS)).isTrue();
  }
}
