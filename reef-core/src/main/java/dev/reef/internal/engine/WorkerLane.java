package dev.reef.internal.engine;

import dev.reef.ReefException;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x worker context on a named worker pool, through Vert.x's public API only: a deployment of
 * the worker threading model whose context runs Reef's tasks (SPEC §3.12). An ordered lane runs its
 * tasks one at a time in submission order (bursts of them per {@link Context#runOnContext}), which is
 * how a sequential agent keeps its order; an unordered lane runs them on any free thread of the pool
 * ({@link Context#executeBlocking(java.util.concurrent.Callable, boolean)}).
 *
 * <p>Deliveries arrive on backend threads that have no Vert.x context; going through this one
 * context keeps Vert.x from making a context per task.
 */
final class WorkerLane {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLane.class);

  private final Vertx vertx;
  private final String deploymentId;
  private final Context context;
  private final boolean ordered;
  private final String name;
  private final SerialExecutor inOrder; // for an ordered lane: bursts of tasks per context dispatch

  private WorkerLane(Vertx vertx, String deploymentId, Context context, boolean ordered, String name) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.context = context;
    this.ordered = ordered;
    this.name = name;
    this.inOrder = new SerialExecutor(task -> context.runOnContext(ignored -> task.run()));
  }

  /**
   * Deploys a lane on the worker pool {@code poolName} of {@code poolSize} threads (a pool of that
   * name is shared with the lanes that asked for it before), waiting at most {@code within}.
   *
   * @throws ReefException when Vert.x does not deploy it in time
   */
  static WorkerLane open(Vertx vertx, String poolName, int poolSize, boolean ordered, Duration within) {
    return open(vertx, poolName, poolSize, ordered, false, within);
  }

  /**
   * As {@link #open(Vertx, String, int, boolean, Duration)}, on virtual threads when {@code virtual}
   * (the pool size then does not apply).
   *
   * @throws IllegalArgumentException when virtual threads are asked for on a JVM older than 21
   */
  static WorkerLane open(Vertx vertx, String poolName, int poolSize, boolean ordered, boolean virtual,
      Duration within) {
    if (virtual && Runtime.version().feature() < 21) {
      throw new IllegalArgumentException("virtual-thread handlers need Java 21 or later; this JVM runs Java "
          + Runtime.version() + " (leave SubscriptionOptions.virtualThreads off, or run on a newer JDK)");
    }
    AtomicReference<Context> context = new AtomicReference<>();
    DeploymentOptions options = new DeploymentOptions()
        .setThreadingModel(virtual ? ThreadingModel.VIRTUAL_THREAD : ThreadingModel.WORKER)
        .setWorkerPoolName(poolName)
        .setWorkerPoolSize(poolSize)
        // Handlers may call slow models for minutes: Reef reports stuck instances itself (AgentState.SILENT),
        // so Vert.x's blocked-thread warning, meant for event loops, stays quiet here.
        .setMaxWorkerExecuteTime(Long.MAX_VALUE)
        .setMaxWorkerExecuteTimeUnit(TimeUnit.NANOSECONDS);
    Future<String> deployed = vertx.deployVerticle(started -> {
      context.set(started);
      return Future.succeededFuture();
    }, options);
    String id = await(deployed, within, "start the worker pool '" + poolName + "'");
    return new WorkerLane(vertx, id, context.get(), ordered, poolName);
  }

  /** Runs {@code task} on the pool. A task handles its own failures; one that throws anyway is logged. */
  void execute(Runnable task) {
    if (ordered) {
      inOrder.execute(() -> runLogged(task));
    } else {
      context.executeBlocking(() -> {
        runLogged(task);
        return null;
      }, false);
    }
  }

  /** Undeploys the lane, waiting at most {@code within}; the pool closes with its last lane. */
  void close(Duration within) {
    try {
      await(vertx.undeploy(deploymentId), within, "stop the worker pool '" + name + "'");
    } catch (ReefException | IllegalStateException e) {
      LOG.debug("{}", e.getMessage());
    }
  }

  private void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      LOG.error("a task on the worker pool '{}' failed", name, e);
      if (e instanceof Error error && !(e instanceof StackOverflowError)) {
        throw error; // an Error (out of memory, linkage) is not a task's business to swallow
      }
    }
  }

  private static <T> T await(Future<T> future, Duration within, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while waiting to " + what, e);
    } catch (ExecutionException e) {
      throw new ReefException("could not " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ReefException("could not " + what + " within " + within.toMillis() + " ms");
    }
  }

  @Override
  public String toString() {
    return "WorkerLane[" + name + (ordered ? ", ordered" : "") + "]";
  }
}
