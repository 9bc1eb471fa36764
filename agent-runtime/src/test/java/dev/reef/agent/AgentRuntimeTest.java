package dev.reef.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.reef.test.SporeMatch.from;
import static dev.reef.test.SporeMatch.knowledgeType;
import static org.awaitility.Awaitility.await;

import dev.reef.Channel;
import dev.reef.HandlerContext;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import dev.reef.test.ReefAssertions;
import dev.reef.test.ReefTest;
import dev.reef.test.SporeRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Agents running on the in-memory backend: routing, replies, chains, instances, drain and quiescence. */
@ReefTest
class AgentRuntimeTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private Reef reef;
  private AgentRuntime runtime;
  private Channel lab;

  @BeforeEach
  void setUp(Reef testReef) { // closed after each test, stopping every agent instance on it
    reef = testReef;
    runtime = AgentRuntime.on(reef);
    lab = reef.channel("lab");
  }

  /** An annotated agent: one request handler, one knowledge handler. */
  @AgentDefinition(name = "echo", channels = "lab", maxAttempts = 1)
  static final class Echo {
    final Queue<String> notes = new ConcurrentLinkedQueue<>();

    @OnSpore(respondsTo = "ping", types = SporeType.REQUEST)
    Map<String, Object> ping(Spore spore) {
      return Map.of("type", "pong", "n", spore.knowledge().get("n").intValue());
    }

    @OnSpore(respondsTo = "note")
    void note(Spore spore, HandlerContext context) {
      notes.add(spore.knowledge().getString("text") + " via " + context.agentName());
    }

    @OnSpore(respondsTo = "explode", types = SporeType.REQUEST)
    Object explode(Spore spore) {
      throw new IllegalStateException("exploded on purpose");
    }
  }

  @Test
  void annotatedAgentRepliesWithItsReturnValueAndHandlesKnowledge() {
    Echo echo = new Echo();
    runtime.register(echo).start("echo", 1);

    Spore reply = lab.request("tester", "echo", Map.of("type", "ping", "n", 7), WAIT).join();
    lab.send("tester", "echo", Map.of("type", "note", "text", "hello")).join();

    assertThat(reply.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(reply.fromAgent()).isEqualTo("echo");
    assertThat(reply.knowledge().toMap()).isEqualTo(Map.of("type", "pong", "n", 7));
    await().atMost(WAIT).until(() -> echo.notes.contains("hello via echo"));
  }

  @Test
  void annotatedHandlersExceptionReachesTheCaller() {
    runtime.register(new Echo()).start("echo", 1);

    CompletableFuture<Spore> reply = lab.request("tester", "echo", Map.of("type", "explode"), WAIT);

    assertThat(reply).failsWithin(WAIT).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(RemoteHandlerException.class, remote -> {
          assertThat(remote.errorType()).isEqualTo(IllegalStateException.class.getName());
          assertThat(remote.remoteMessage()).isEqualTo("exploded on purpose");
        });
  }

  @Test
  void registeringTheClassCreatesTheAgent() {
    runtime.register(Echo.class).start("echo", 1);

    Spore reply = lab.request("tester", "echo", Map.of("type", "ping", "n", 1), WAIT).join();

    assertThat(reply.knowledge().toMap()).containsEntry("type", "pong");
  }

  @Test
  void lambdaAgentRoutesByKnowledgeTypeAndCountsWhatNoHandlerTakes() {
    Queue<String> findings = new ConcurrentLinkedQueue<>();
    Queue<String> alerts = new ConcurrentLinkedQueue<>();
    runtime.register(AgentSpec.named("router").channel("lab")
        .respondsTo("finding", (spore, ctx) -> findings.add(spore.knowledge().getString("text")))
        .respondsTo("alert", (spore, ctx) -> alerts.add(spore.knowledge().getString("text")))
        .build());
    runtime.start("router", 1);

    lab.send("tester", "router", Map.of("type", "finding", "text", "f1")).join();
    lab.send("tester", "router", Map.of("type", "alert", "text", "a1")).join();
    lab.send("tester", "router", Map.of("type", "gossip", "text", "g1")).join();
    lab.send("tester", "router", Map.of("text", "no type")).join();
    lab.send(Spore.builder(SporeType.KNOWLEDGE).from("tester").to("router").build()).join();
    lab.broadcast("tester", Map.of("type", "finding", "text", "f2")).join();

    assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
    assertThat(findings).containsExactlyInAnyOrder("f1", "f2");
    assertThat(alerts).containsExactly("a1");
    assertThat(unmatched("lab", "router")).isEqualTo(3.0);
    ReefAssertions.assertNoDeadLetters(reef);
  }

  @Test
  void typedHandlerWinsOverCatchAllAndSporeTypesFilter() {
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    runtime.register(AgentSpec.named("picky").channel("lab")
        .onAny((spore, ctx) -> seen.add("any:" + spore.knowledge().getString("type")))
        .respondsTo("finding", SporeType.BROADCAST, (spore, ctx) -> seen.add("finding-broadcast"))
        .build());
    runtime.start("picky", 1);

    lab.broadcast("tester", Map.of("type", "finding")).join();
    lab.send("tester", "picky", Map.of("type", "finding")).join(); // a knowledge spore: the catch-all takes it
    lab.send("tester", "picky", Map.of("type", "other")).join();

    assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
    assertThat(seen).containsExactlyInAnyOrder("finding-broadcast", "any:finding", "any:other");
    assertThat(unmatched("lab", "picky")).isZero();
  }

  @Test
  void unmatchedRequestFailsItsCallerAtOnceAndIsCounted() {
    runtime.register(new Echo()).start("echo", 1);

    CompletableFuture<Spore> reply = lab.request("tester", "echo", Map.of("type", "unknown-question"), WAIT);

    assertThatThrownBy(reply::join).hasCauseInstanceOf(RemoteHandlerException.class)
        .hasMessageContaining("agent 'echo' has no handler for a request with knowledge type 'unknown-question'");
    assertThat(unmatched("lab", "echo")).isEqualTo(1.0);
    assertThat(reef.stats().deadLettered()).as("refused, not failed: nothing dead-lettered").isZero();
  }

  @Test
  void handlersChainRequestsThroughTheirContext() {
    runtime.register(AgentSpec.named("c").channel("lab")
        .respondsTo("square", (spore, ctx) -> {
          int n = spore.knowledge().get("n").intValue();
          return Map.of("value", n * n, "by", ctx.agentName());
        })
        .build());
    runtime.register(AgentSpec.named("b").channel("lab")
        .respondsTo("double-square", (spore, ctx) -> {
          Spore squared = ctx.request("c", Map.of("type", "square", "n", spore.knowledge().get("n").intValue()), WAIT)
              .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          return Map.of("value", 2 * squared.knowledge().get("value").intValue(),
              "path", squared.knowledge().getString("by") + "<-" + ctx.agentName());
        })
        .build());
    runtime.register(AgentSpec.named("a").channel("lab")
        .respondsTo("compute", (spore, ctx) -> {
          Spore answer = ctx.request("b", Map.of("type", "double-square", "n", 3), WAIT)
              .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          return Map.of("value", answer.knowledge().get("value").intValue(),
              "path", answer.knowledge().getString("path") + "<-" + ctx.agentName());
        })
        .build());
    runtime.start("c", 1);
    runtime.start("b", 1);
    runtime.start("a", 1);

    Spore reply = lab.request("tester", "a", Map.of("type", "compute"), WAIT).join();

    assertThat(reply.fromAgent()).isEqualTo("a");
    assertThat(reply.knowledge().toMap()).isEqualTo(Map.of("value", 18, "path", "c<-b<-a"));
  }

  @Test
  void handlersSendAndBroadcastThroughTheirContext() {
    Queue<String> hubSaw = new ConcurrentLinkedQueue<>();
    runtime.register(AgentSpec.named("hub").channel("lab")
        .respondsTo("relay", (spore, ctx) -> {
          ctx.send("sink", Map.of("type", "direct", "from", ctx.agentName())).join();
          ctx.broadcast(Map.of("type", "news", "from", ctx.agentName())).join();
          return null;
        })
        .onAny((spore, ctx) -> hubSaw.add(spore.knowledge().getString("type")))
        .build());
    try (SporeRecorder sink = SporeRecorder.asAgent(lab, "sink");
        SporeRecorder listener = SporeRecorder.asAgent(lab, "listener")) {
      runtime.start("hub", 1);

      lab.send("tester", "hub", Map.of("type", "relay")).join();

      assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
      assertThat(sink.await(from("hub"), 2, WAIT)).extracting(spore -> spore.type() + ":" + spore.knowledge().getString("type"))
          .containsExactlyInAnyOrder("KNOWLEDGE:direct", "BROADCAST:news");
      assertThat(listener.await(knowledgeType("news").and(from("hub")), WAIT).isBroadcast()).isTrue();
      listener.assertNone(knowledgeType("direct"), Duration.ofMillis(100));
      assertThat(hubSaw).as("a broadcast never reaches its sender").isEmpty();
    }
  }

  @Test
  void instancesShareTheLoad() {
    Map<String, AtomicInteger> perInstance = new ConcurrentHashMap<>();
    runtime.register(AgentSpec.named("worker").channel("lab")
        .onAny((spore, ctx) -> perInstance.computeIfAbsent(ctx.instanceId(), id -> new AtomicInteger()).incrementAndGet())
        .options(SubscriptionOptions.builder().prefetch(2).build())
        .build());
    List<RunningInstance> started = runtime.start("worker", 3);

    for (int i = 0; i < 30; i++) {
      lab.send("tester", "worker", Map.of("type", "job", "n", i)).join();
    }

    assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
    assertThat(started).hasSize(3).allSatisfy(instance -> assertThat(instance.subscriptions()).hasSize(1));
    assertThat(runtime.instances("worker")).containsExactlyElementsOf(started);
    Set<String> ids = Set.copyOf(started.stream().map(i -> i.subscriptions().get(0).instanceId()).toList());
    assertThat(perInstance.keySet()).isEqualTo(ids);
    assertThat(perInstance.values()).allSatisfy(count -> assertThat(count.get()).isPositive());
    assertThat(perInstance.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(30);
  }

  @Test
  void handlersRunOnTheAgentsWorkerPool() {
    Queue<String> threads = new ConcurrentLinkedQueue<>();
    runtime.register(AgentSpec.named("pooled").channel("lab")
        .onAny((spore, ctx) -> threads.add(Thread.currentThread().getName()))
        .build());
    runtime.start("pooled", 1);

    lab.send("tester", "pooled", Map.of("type", "x")).join();

    assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
    // The engine names each pool reef-AGENT@CHANNEL-REEF (one pool per agent and channel in a Reef).
    assertThat(threads).singleElement().asString().startsWith("reef-pooled@lab-");
  }

  @Test
  void eachInstanceSubscribesOnEveryChannelOfItsAgent() {
    Queue<String> seen = new ConcurrentLinkedQueue<>();
    runtime.register(AgentSpec.named("multi").channels("lab", "ops")
        .onAny((spore, ctx) -> seen.add(ctx.channel().name()))
        .build());
    RunningInstance instance = runtime.start("multi", 1).get(0);

    lab.send("tester", "multi", Map.of("type", "x")).join();
    reef.channel("ops").send("tester", "multi", Map.of("type", "x")).join();

    assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
    assertThat(instance.subscriptions()).extracting(Subscription::channel).containsExactly("lab", "ops");
    assertThat(seen).containsExactlyInAnyOrder("lab", "ops");
  }

  @Test
  void stoppingOneInstanceLeavesTheOthers() {
    runtime.register(AgentSpec.named("worker").channel("lab").onAny((spore, ctx) -> null).build());
    List<RunningInstance> started = runtime.start("worker", 2);

    started.get(0).stop();

    assertThat(started.get(0).isActive()).isFalse();
    assertThat(runtime.instances("worker")).containsExactly(started.get(1));
  }

  @Test
  void stopFinishesInFlightSporesAndTakesNoMore() throws Exception {
    CountDownLatch handling = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Queue<Integer> done = new ConcurrentLinkedQueue<>();
    runtime.register(AgentSpec.named("slow").channel("lab")
        .onAny((spore, ctx) -> {
          handling.countDown();
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          done.add(spore.knowledge().get("n").intValue());
          return null;
        })
        .build());
    RunningInstance instance = runtime.start("slow", 1).get(0);
    lab.send("tester", "slow", Map.of("n", 1)).join();
    assertThat(handling.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(runtime::stop);
    await().atMost(WAIT).until(() -> !instance.isActive());
    lab.send("tester", "slow", Map.of("n", 2)).join(); // waits in the queue: no instance takes it
    assertThat(stopping).as("stop waits for the in-flight handler").isNotDone();
    release.countDown();

    assertThat(stopping).succeedsWithin(WAIT);
    assertThat(done).containsExactly(1);
    assertThat(reef.stats().handled()).isEqualTo(1);
    assertThat(reef.stats().inFlight()).isZero();
    assertThat(runtime.instances("slow")).isEmpty();

    runtime.start("slow", 1); // the spore that waited is handled by the next instance
    await().atMost(WAIT).until(() -> done.contains(2));
    assertThat(done).containsExactly(1, 2);
  }

  @Test
  void awaitQuiescenceIsTrueOnceABurstIsHandled() {
    AtomicInteger handled = new AtomicInteger();
    runtime.register(AgentSpec.named("burst").channel("lab")
        .onAny((spore, ctx) -> handled.incrementAndGet())
        .options(SubscriptionOptions.builder().concurrent(4).build())
        .build());
    runtime.start("burst", 2);

    List<CompletableFuture<Void>> sends = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sends.add(lab.send("tester", "burst", Map.of("n", i)));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

    assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
    assertThat(handled).hasValue(200);
  }

  @Test
  void awaitQuiescenceIsFalseWhileAHandlerBlocks() throws Exception {
    CountDownLatch handling = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    runtime.register(AgentSpec.named("blocker").channel("lab")
        .onAny((spore, ctx) -> {
          handling.countDown();
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          return null;
        })
        .build());
    runtime.start("blocker", 1);
    lab.send("tester", "blocker", Map.of("n", 1)).join();
    assertThat(handling.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    assertThat(runtime.awaitQuiescence(Duration.ofMillis(200))).isFalse();

    release.countDown();
    assertThat(runtime.awaitQuiescence(WAIT)).isTrue();
  }

  private double unmatched(String channel, String agent) {
    return reef.meterRegistry().get("reef.spores.unmatched").tag("channel", channel).tag("agent", agent)
        .counter().count();
  }
}
