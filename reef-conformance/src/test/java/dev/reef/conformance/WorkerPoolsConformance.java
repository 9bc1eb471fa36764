package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.SporeHandler;
import dev.reef.SubscriptionOptions;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.12: handlers run on Vert.x worker pools, never on an event loop or broker thread; an agent
 * handles sequentially or concurrently up to its pool size, and never holds more unfinished spores
 * than its prefetch.
 */
class WorkerPoolsConformance extends ConformanceTest {

  /** Where one handler run happened. */
  private record ThreadSeen(String agent, String thread, boolean worker, boolean eventLoop) {}

  @Test
  void handlersRunOnVertxWorkerThreads() {
    Reef receiver = connect();
    Reef sender = connect();
    Queue<ThreadSeen> seen = new ConcurrentLinkedQueue<>();
    SporeHandler observing = (spore, context) -> {
      Thread thread = Thread.currentThread();
      seen.add(new ThreadSeen(context.agentName(), thread.getName(), Context.isOnWorkerThread(),
          Context.isOnEventLoopThread()));
      return Map.of("ok", true);
    };
    Channel in = channel(receiver);
    in.subscribe("sequential", observing);
    in.subscribe("concurrent", SubscriptionOptions.builder().concurrent(4).build(), observing);
    in.subscribe("responder", observing);

    Channel out = channel(sender);
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(out.send("client", "sequential", n(i)));
      calls.add(out.send("client", "concurrent", n(i)));
      calls.add(out.request("client", "responder", n(i), Duration.ofSeconds(5)));
    }
    calls.add(out.broadcast("client", n(99)));
    joinAll(calls);

    eventually().until(() -> seen.size() >= 18);
    assertThat(seen).hasSizeGreaterThanOrEqualTo(18).allSatisfy(run -> {
      assertThat(run.worker()).as("%s ran on a Vert.x worker thread (%s)", run.agent(), run.thread()).isTrue();
      assertThat(run.eventLoop()).as("%s ran on an event loop thread (%s)", run.agent(), run.thread()).isFalse();
    });
  }

  @Test
  void aSequentialAgentNeverHandlesTwoSporesAtOnce() {
    Reef reef = connect();
    Overlap overlap = new Overlap();
    Handled handled = new Handled();
    // A pool of 4 threads, so that only the sequential mode keeps the runs apart.
    channel(reef).subscribe("sequential", SubscriptionOptions.builder().poolSize(4).build(), (spore, context) -> {
      overlap.enter();
      try {
        Thread.sleep(3); // a little work, long enough for an overlap to show
        handled.record(spore, context);
      } finally {
        overlap.exit();
      }
      return null;
    });

    sendNumbered(channel(reef), "sequential", 40);

    eventually().until(() -> handled.count() == 40);
    assertThat(overlap.max()).as("most runs at once of a sequential agent").isEqualTo(1);
  }

  @Test
  void aConcurrentAgentRunsUpToItsPoolSizeAtOnce() {
    Reef reef = connect();
    Gate gate = newGate();
    Overlap overlap = new Overlap();
    Handled handled = new Handled();
    channel(reef).subscribe("parallel", SubscriptionOptions.builder().concurrent(3).build(), blockingAt(gate, overlap,
        handled));

    sendNumbered(channel(reef), "parallel", 12);

    // Every spore held by the instance (prefetch 16): only the pool of 3 keeps the other 9 from running.
    eventually().until(() -> overlap.current() == 3 && reef.stats().inFlight() == 12);
    holdsFor(() -> assertThat(overlap.max()).as("most runs at once with a pool of 3").isEqualTo(3));
    gate.open();
    eventually().until(() -> handled.count() == 12);
    assertThat(overlap.max()).as("most runs at once with a pool of 3").isEqualTo(3);
  }

  @Test
  void prefetchBoundsTheUnfinishedSporesOfAnAgent() {
    Reef reef = connect();
    Gate gate = newGate();
    Overlap overlap = new Overlap();
    Handled handled = new Handled();
    channel(reef).subscribe("bounded", SubscriptionOptions.builder().concurrent(8).prefetch(2).build(),
        blockingAt(gate, overlap, handled));

    sendNumbered(channel(reef), "bounded", 10);

    // No marker can show that a third spore was not delivered: watch for a while.
    eventually().until(() -> overlap.current() == 2);
    holdsFor(() -> {
      assertThat(overlap.max()).as("most runs at once with prefetch 2 and a pool of 8").isEqualTo(2);
      assertThat(reef.stats().inFlight()).as("unsettled deliveries held").isLessThanOrEqualTo(2);
    });
    gate.open();
    eventually().until(() -> handled.count() == 10);
    assertThat(overlap.max()).as("most runs at once with prefetch 2 and a pool of 8").isEqualTo(2);
  }

  @Test
  void aBlockedAgentDoesNotHoldUpAnotherAgent() {
    Reef reef = connect();
    Gate gate = newGate();
    Handled handled = new Handled();
    channel(reef).subscribe("stuck", (spore, context) -> {
      gate.pass();
      return null;
    });
    channel(reef).subscribe("free", handled.recorder());

    sendNumbered(channel(reef), "stuck", 3);
    eventually().until(() -> gate.waiting() == 1);
    sendNumbered(channel(reef), "free", 10);

    eventually().until(() -> handled.count() == 10);
    assertThat(gate.waiting()).as("the stuck agent is still blocked").isEqualTo(1);
  }

  private static SporeHandler blockingAt(Gate gate, Overlap overlap, Handled handled) {
    return (spore, context) -> {
      overlap.enter();
      try {
        gate.pass();
        handled.record(spore, context);
      } finally {
        overlap.exit();
      }
      return null;
    };
  }

  private static void sendNumbered(Channel channel, String agent, int count) {
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(channel.send("client", agent, n(i)));
    }
    joinAll(sends);
  }
}
