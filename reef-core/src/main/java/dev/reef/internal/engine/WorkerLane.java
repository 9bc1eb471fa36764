package dev.reef.internal.engine;

import dev.reef.ReefException;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
  private final DeploymentOptions options;
  private final boolean ordered;
  private final String name;
  private final SerialExecutor inOrder; // for an ordered lane: bursts of tasks per context dispatch
  private final AtomicBoolean deployAsked = new AtomicBoolean();
  private final CompletableFuture<Context> started = new CompletableFuture<>();
  private final CompletableFuture<String> deployed = new CompletableFuture<>(); // the deployment id
  private volatile Context context; // null until the deployment has started
  private volatile boolean closed;

  private WorkerLane(Vertx vertx, DeploymentOptions options, boolean ordered, String name) {
    this.vertx = vertx;
    this.options = options;
    this.ordered = ordered;
    this.name = name;
    this.inOrder = new SerialExecutor(task -> onContext(ready -> ready.runOnContext(ignored -> task.run())));
  }

  /**
   * A lane on the worker pool {@code poolName} of {@code poolSize} threads (a pool of that name is
   * shared with the lanes that asked for it before).
   *
   * <p>The lane is deployed at its first task, not here: a Vert.x worker deployment starts on a thread
   * of its pool, and a pool keeps the threads it started, so an agent that never receives anything
   * (a JVM declaring a thousand agents, most of them idle) costs no thread.
   */
  static WorkerLane open(Vertx vertx, String poolName, int poolSize, boolean ordered) {
    return open(vertx, poolName, poolSize, ordered, false);
  }

  /**
   * As {@link #open(Vertx, String, int, boolean)}, on virtual threads when {@code virtual} (the pool
   * size then does not apply).
   *
   * @throws IllegalArgumentException when virtual threads are asked for on a JVM older than 21
   */
  static WorkerLane open(Vertx vertx, String poolName, int poolSize, boolean ordered, boolean virtual) {
    if (virtual && Runtime.version().feature() < 21) {
      throw new IllegalArgumentException("virtual-thread handlers need Java 21 or later; this JVM runs Java "
          + Runtime.version() + " (leave SubscriptionOptions.virtualThreads off, or run on a newer JDK)");
    }
    DeploymentOptions options = new DeploymentOptions()
        .setThreadingModel(virtual ? ThreadingModel.VIRTUAL_THREAD : ThreadingModel.WORKER)
        .setWorkerPoolName(poolName)
        .setWorkerPoolSize(poolSize)
        // Handlers may call slow models for minutes: Reef reports stuck instances itself (AgentState.SILENT),
        // so Vert.x's blocked-thread warning, meant for event loops, stays quiet here.
        .setMaxWorkerExecuteTime(Long.MAX_VALUE)
        .setMaxWorkerExecuteTimeUnit(TimeUnit.NANOSECONDS);
    return new WorkerLane(vertx, options, ordered, poolName);
  }

  /** Runs {@code action} with the lane's context: at once once deployed, else when the deployment has started. */
  private void onContext(Consumer<Context> action) {
    Context ready = context;
    if (ready != null) {
      action.accept(ready);
      return;
    }
    deploy();
    started.thenAccept(action); // a failed deployment was logged; its tasks cannot run anywhere
  }

  private void deploy() {
    if (!deployAsked.compareAndSet(false, true)) {
      return;
    }
    if (closed) {
      IllegalStateException closedLane = new IllegalStateException("the lane '" + name + "' is closed");
      started.completeExceptionally(closedLane);
      deployed.completeExceptionally(closedLane);
      return;
    }
    try {
      // The lane is ready from inside the start, not from the deployment's future: that completes on the
      // caller's context, which may be a handler's, blocked until this lane runs what it waits for.
      vertx.deployVerticle(starting -> {
        context = starting;
        started.complete(starting);
        return Future.succeededFuture();
      }, options).onComplete(result -> {
        if (result.failed()) {
          LOG.error("could not start the worker pool '{}': its agent's deliveries wait unhandled", name,
              result.cause());
          started.completeExceptionally(result.cause());
          deployed.completeExceptionally(result.cause());
          return;
        }
        deployed.complete(result.result());
      });
    } catch (RuntimeException e) { // Vert.x closed under us
      LOG.error("could not start the worker pool '{}': {}", name, e.toString());
      started.completeExceptionally(e);
      deployed.completeExceptionally(e);
    }
  }

  /** True when the lane runs its tasks one at a time, in submission order. */
  boolean ordered() {
    return ordered;
  }

  /** Runs {@code task} on the pool. A task handles its own failures; one that throws anyway is logged. */
  void execute(Runnable task) {
    if (ordered) {
      inOrder.execute(() -> runLogged(task));
    } else {
      onContext(ready -> ready.executeBlocking(() -> {
        runLogged(task);
        return null;
      }, false));
    }
  }

  /**
   * Undeploys the lane, waiting at most {@code within}; the pool closes with its last lane. A lane that
   * never ran a task has nothing to undeploy.
   */
  void close(Duration within) {
    closed = true;
    if (deployAsked.compareAndSet(false, true)) {
      return; // never deployed, and now never will be
    }
    String id;
    try {
      id = deployed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      deployed.thenAccept(vertx::undeploy); // still starting: undeployed once it has
      LOG.debug("worker pool '{}' still starting after {} ms; undeployed when it has", name, within.toMillis());
      return;
    } catch (ExecutionException e) {
      return; // it never started
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      await(vertx.undeploy(id), within, "stop the worker pool '" + name + "'");
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
