package dev.reef.amqp.process;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefStats;
import dev.reef.RetryPolicy;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The main class of an agent JVM the cross-process tests launch (see {@link AgentJvm}): one Reef on
 * the broker of {@code REEF_AMQP_URI}, some instances of some agents on one channel, driven by
 * commands on standard input and reporting on standard output, one {@link AgentEvent} per line.
 * Logging goes to standard error.
 *
 * <p>Arguments: {@code --namespace=NS --channel=CH [--agents=NAME:INSTANCES,...] [--concurrency=N]
 * [--prefetch=N] [--handler-delay-ms=N] [--hold=true] [--handler-timeout-ms=N] [--max-attempts=N]}.
 * Every agent instance prints what it handles and answers requests with the request's {@code asker}
 * and {@code n}, this JVM's pid and its own instance id. With {@code --handler-delay-ms} each handler
 * run takes that long (a slow consumer); with {@code --hold=true} each handler prints {@code HOLDING}
 * and blocks until {@code stop} (unfinished spores held by the JVM, for a test that kills it). {@code
 * --handler-timeout-ms} and {@code --max-attempts} set the agents' handler timeout and retry policy
 * (attempts 100 ms apart).
 *
 * <p>A spore whose knowledge has {@code act} makes its handler misbehave: {@code "hang"} prints
 * {@code HANGING} and blocks until interrupted (then prints {@code INTERRUPTED} and fails), {@code
 * "halt"} prints {@code HALTING} and ends the JVM at once with {@code Runtime.halt(}{@value
 * #HALT_STATUS}{@code )}, as a crash in native code or the OOM killer would: nothing is settled.
 *
 * <p>Events (the first field after the kind is the batch a command named):
 * <pre>
 * INSTANCE agent instanceId                 an agent instance subscribed
 * READY pid                                 every instance subscribed
 * HANDLED batch agent instanceId type n sporeId
 * SENT batch n sporeId                      a send's future completed
 * SEND_FAILED batch n sporeId errorClass    a send's future failed
 * SENDS_HALTED batch attempted             a halted send stopped after sending this many
 * SENDS_DONE batch ok failed                every send of the batch ended
 * HOLDING batch agent instanceId type n sporeId   a held handler started (--hold=true)
 * HANGING batch agent instanceId n sporeId attempt    a handler began to hang (act "hang")
 * INTERRUPTED batch agent instanceId n sporeId attempt   a hanging handler was interrupted
 * HALTING batch agent instanceId n sporeId attempt    a handler is about to halt the JVM (act "halt")
 * FLOOD_PROGRESS batch attempted ended ok failed heapUsedMiB   about once a second
 * FLOOD_DONE batch attempted ok failed failures peakHeapUsedMiB   failures: Class=count,... or -
 * BROADCAST_SENT batch sporeId
 * REPLY batch instanceId requestId replyTo echoedAsker echoedN replierPid
 * REQUEST_FAILED batch instanceId requestId errorClass
 * REQUESTS_DONE batch instanceId replied failed
 * REQUESTED batch n requestId               a mix's request was asked (its batch is the mix's, plus -r)
 * MIX_DONE batch sends ok failed broadcasts ok failed requests replied failed peakHeapUsedMiB
 *                                           a halted mix ended: every future of it completed or failed
 * QUIET batch true|false
 * STATS batch handled=.. duplicates=.. received=.. sent=.. sendFailures=.. expired=..
 * REJECTED the command line that was not understood
 * STOPPED                                   the Reef closed; the JVM exits 0
 * </pre>
 *
 * <p>Commands:
 * <pre>
 * send BATCH FROM TO COUNT RATE [WINDOW]   COUNT knowledge spores {batch, n}; RATE per second, 0 for no
 *                                      limit; at most WINDOW sends unfinished at a time (0 or absent: no limit)
 * flood BATCH FROM TO MILLIS           sends as fast as it can for MILLIS ms, keeping no send, only counts
 * broadcast BATCH FROM                 one broadcast {batch, n: "broadcast"}
 * request BATCH FROM TO COUNT TIMEOUT_MS   each local instance of FROM asks COUNT requests
 * mix BATCH FROM TO RATE WINDOW BROADCASTS_PER_S ASK REQUESTS_PER_S TIMEOUT_MS
 *                                      mixed traffic until {@code halt BATCH}: directed spores from FROM
 *                                      to TO at RATE per second (at most WINDOW unfinished), broadcasts
 *                                      from FROM (batch BATCH-b), requests from FROM to ASK (batch BATCH-r)
 *                                      timing out after TIMEOUT_MS; SENT/SEND_FAILED for spores and
 *                                      broadcasts, REQUESTED then REPLY/REQUEST_FAILED for requests
 * halt BATCH                           stops the mix or send BATCH; a mix prints MIX_DONE once all its futures
 *                                      ended, a send SENDS_HALTED then SENDS_DONE
 * quiesce BATCH TIMEOUT_MS             waits until nothing is queued for or held by this JVM
 * stats BATCH                          the Reef's counters
 * heard BATCH AGENT                    HEARD BATCH AGENT MILLIS: when this Reef's directory last heard from an
 *                                      instance of AGENT in another JVM (epoch millis; -1: never)
 * stop                                 closes the Reef (in-flight handlers finish) and exits
 * </pre>
 * The end of standard input (the test JVM died) stops the JVM as {@code stop} does.
 */
public final class AgentProcess {
  /** The exit status of a JVM a handler halted. */
  public static final int HALT_STATUS = 86;
  private static final long PID = ProcessHandle.current().pid();

  private final Reef reef;
  private final Channel channel;
  private final List<Subscription> instances = new ArrayList<>();
  private final long handlerDelayMillis;
  private final boolean hold;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Map<String, CountDownLatch> halts = new ConcurrentHashMap<>(); // running mixes and sends, by batch
  private final ExecutorService commands = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "agent-process-command");
    thread.setDaemon(true);
    return thread;
  });

  private AgentProcess(Reef reef, String channelName, long handlerDelayMillis, boolean hold) {
    this.reef = reef;
    this.channel = reef.channel(channelName);
    this.handlerDelayMillis = handlerDelayMillis;
    this.hold = hold;
  }

  /** Starts the agents, reports {@code READY}, then follows commands until {@code stop} or end of input. */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = options(args);
    String uri = System.getenv("REEF_AMQP_URI");
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("REEF_AMQP_URI must name the broker");
    }
    Reef reef = Reef.builder().uri(uri).namespace(required(options, "namespace"))
        .heartbeat(Duration.ofMillis(Long.parseLong(options.getOrDefault("heartbeat-ms", "5000"))))
        .drainTimeout(Duration.ofSeconds(5)).build();
    AgentProcess process = new AgentProcess(reef, required(options, "channel"),
        Long.parseLong(options.getOrDefault("handler-delay-ms", "0")),
        Boolean.parseBoolean(options.getOrDefault("hold", "false")));
    SubscriptionOptions subscription = subscriptionOptions(options);
    for (Map.Entry<String, Integer> agent : agents(options.getOrDefault("agents", "")).entrySet()) {
      for (int i = 0; i < agent.getValue(); i++) {
        process.subscribe(agent.getKey(), subscription);
      }
    }
    emit("READY", PID);
    process.followCommands(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    process.stop();
  }

  private void subscribe(String agent, SubscriptionOptions options) {
    Subscription subscription = channel.subscribe(agent, options, (spore, context) -> {
      String act = text(spore, "act");
      if (act.equals("hang")) {
        emit("HANGING", text(spore, "batch"), context.agentName(), context.instanceId(), text(spore, "n"), spore.id(),
            context.attempt());
        try {
          new CountDownLatch(1).await(); // never counted down: a call that never returns
        } catch (InterruptedException e) {
          emit("INTERRUPTED", text(spore, "batch"), context.agentName(), context.instanceId(), text(spore, "n"),
              spore.id(), context.attempt());
          throw e;
        }
      }
      if (act.equals("halt")) {
        emit("HALTING", text(spore, "batch"), context.agentName(), context.instanceId(), text(spore, "n"), spore.id(),
            context.attempt());
        System.out.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
      }
      if (hold) {
        emit("HOLDING", text(spore, "batch"), context.agentName(), context.instanceId(), spore.type().wireValue(),
            text(spore, "n"), spore.id());
        released.await();
      }
      if (handlerDelayMillis > 0) {
        Thread.sleep(handlerDelayMillis);
      }
      emit("HANDLED", text(spore, "batch"), context.agentName(), context.instanceId(), spore.type().wireValue(),
          text(spore, "n"), spore.id());
      if (spore.type() != SporeType.REQUEST) {
        return null;
      }
      return Map.of("asker", text(spore, "asker"), "n", text(spore, "n"), "pid", PID, "replier", context.instanceId());
    });
    instances.add(subscription);
    emit("INSTANCE", agent, subscription.instanceId());
  }

  private void followCommands(BufferedReader input) throws IOException {
    String line;
    while ((line = input.readLine()) != null) {
      String command = line.trim();
      List<String> words = Arrays.asList(command.split(" +"));
      if (words.get(0).equals("stop")) {
        return;
      }
      // Each command on its own thread: a long send must not hold up a quiesce or stats.
      commands.execute(() -> {
        try {
          run(words);
        } catch (RuntimeException e) {
          System.err.println("command '" + command + "' failed: " + e);
          emit("REJECTED", command);
        }
      });
    }
  }

  private void run(List<String> words) {
    switch (words.get(0) + "/" + words.size()) {
      case "send/6" -> send(words.get(1), words.get(2), words.get(3), Integer.parseInt(words.get(4)),
          Integer.parseInt(words.get(5)), 0);
      case "send/7" -> send(words.get(1), words.get(2), words.get(3), Integer.parseInt(words.get(4)),
          Integer.parseInt(words.get(5)), Integer.parseInt(words.get(6)));
      case "flood/5" -> flood(words.get(1), words.get(2), words.get(3), Long.parseLong(words.get(4)));
      case "broadcast/3" -> broadcast(words.get(1), words.get(2));
      case "request/6" -> request(words.get(1), words.get(2), words.get(3), Integer.parseInt(words.get(4)),
          Duration.ofMillis(Long.parseLong(words.get(5))));
      case "mix/10" -> mix(new Mix(words.get(1), words.get(2), words.get(3), Integer.parseInt(words.get(4)),
          Integer.parseInt(words.get(5)), Double.parseDouble(words.get(6)), words.get(7),
          Double.parseDouble(words.get(8)), Duration.ofMillis(Long.parseLong(words.get(9)))));
      case "halt/2" -> {
        CountDownLatch running = halts.get(words.get(1));
        if (running == null) {
          throw new IllegalArgumentException("no mix or send " + words.get(1) + " runs");
        }
        running.countDown();
      }
      case "quiesce/3" -> emit("QUIET", words.get(1),
          reef.awaitQuiescence(Duration.ofMillis(Long.parseLong(words.get(2)))));
      case "stats/2" -> stats(words.get(1));
      case "heard/3" -> heard(words.get(1), words.get(2));
      default -> throw new IllegalArgumentException("unknown command or wrong number of arguments");
    }
  }

  private void send(String batch, String from, String to, int count, int perSecond, int window) {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<Void>> sends = new ArrayList<>(Math.min(count, 100_000));
    // Pipelining: the sender goes as fast as confirms come back, with at most `window` outstanding.
    Semaphore unfinished = new Semaphore(window > 0 ? window : Integer.MAX_VALUE);
    CountDownLatch halted = new CountDownLatch(1);
    if (halts.putIfAbsent(batch, halted) != null) {
      throw new IllegalArgumentException("batch " + batch + " already runs");
    }
    long start = System.nanoTime();
    for (int n = 0; n < count; n++) {
      if (perSecond > 0) {
        pace(start + n * 1_000_000_000L / perSecond);
      }
      if (halted.getCount() == 0) {
        emit("SENDS_HALTED", batch, n);
        break;
      }
      unfinished.acquireUninterruptibly();
      Spore spore = Spore.builder(SporeType.KNOWLEDGE).from(from).to(to).knowledge(Map.of("batch", batch, "n", n))
          .build();
      int number = n;
      CompletableFuture<Void> send;
      try {
        send = channel.send(spore);
      } catch (RuntimeException e) {
        send = CompletableFuture.failedFuture(e);
      }
      sends.add(send.whenComplete((done, error) -> {
        unfinished.release();
        if (error == null) {
          ok.incrementAndGet();
          emit("SENT", batch, number, spore.id());
        } else {
          failed.incrementAndGet();
          emit("SEND_FAILED", batch, number, spore.id(), cause(error).getClass().getSimpleName());
        }
      }));
    }
    halts.remove(batch);
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
        .whenComplete((done, error) -> emit("SENDS_DONE", batch, ok.get(), failed.get()));
  }

  /**
   * A producer that publishes as fast as {@code send} returns for {@code millis}, as a careless caller
   * would: it keeps none of its futures, only counts how they end, and watches its own heap.
   */
  private void flood(String batch, String from, String to, long millis) {
    AtomicLong ended = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakHeap = new AtomicLong();
    long attempted = 0;
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000L;
    long nextReport = start;
    for (long now = start; now < deadline; now = System.nanoTime()) {
      Spore spore = Spore.builder(SporeType.KNOWLEDGE).from(from).to(to)
          .knowledge(Map.of("batch", batch, "n", attempted)).build();
      CompletableFuture<Void> send;
      try {
        send = channel.send(spore);
      } catch (RuntimeException e) {
        send = CompletableFuture.failedFuture(e);
      }
      attempted++;
      send.whenComplete((done, error) -> {
        if (error == null) {
          ok.incrementAndGet();
        } else {
          failures.computeIfAbsent(cause(error).getClass().getSimpleName(), kind -> new AtomicLong()).incrementAndGet();
        }
        ended.incrementAndGet();
      });
      if (now >= nextReport) {
        long used = memory.getHeapMemoryUsage().getUsed();
        peakHeap.accumulateAndGet(used, Math::max);
        emit("FLOOD_PROGRESS", batch, attempted, ended.get(), ok.get(), ended.get() - ok.get(), used >> 20);
        nextReport = now + 1_000_000_000L;
      }
    }
    while (ended.get() < attempted) { // every send ends: confirmed, refused, or failed by the confirm timeout
      peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
      LockSupport.parkNanos(10_000_000L);
    }
    String failed = failures.isEmpty() ? "-" : failures.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(","));
    emit("FLOOD_DONE", batch, attempted, ok.get(), attempted - ok.get(), failed, peakHeap.get() >> 20);
  }

  /** What a {@code mix} command asked for. */
  private record Mix(String batch, String from, String to, int perSecond, int window, double broadcastsPerSecond,
      String ask, double requestsPerSecond, Duration requestTimeout) {}

  /** How the futures of one kind of traffic of a mix ended. */
  private static final class Outcomes {
    final AtomicLong attempted = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    long ended() {
      return ok.get() + failed.get();
    }

    String describe() {
      return attempted.get() + " " + ok.get() + " " + failed.get();
    }
  }

  /**
   * Mixed traffic for a soak: three paced streams (directed spores, broadcasts, requests), each on a
   * thread of its own, until {@code halt}. Unlike {@code send} it keeps no future, so that it can run
   * for hours; every future still reports how it ended.
   */
  private void mix(Mix mix) {
    CountDownLatch halted = new CountDownLatch(1);
    if (halts.putIfAbsent(mix.batch(), halted) != null) {
      throw new IllegalArgumentException("mix " + mix.batch() + " already runs");
    }
    Outcomes sends = new Outcomes();
    Outcomes broadcasts = new Outcomes();
    Outcomes requests = new Outcomes();
    Semaphore unfinished = new Semaphore(mix.window() > 0 ? mix.window() : Integer.MAX_VALUE);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peakHeap = new AtomicLong();
    List<Thread> streams = List.of(
        paced("mix-sends", mix.perSecond(), halted, n -> {
          // The window is taken before the spore is built: a stalled broker holds the stream here.
          while (!unfinished.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (halted.getCount() == 0) {
              return;
            }
          }
          Spore spore = Spore.builder(SporeType.KNOWLEDGE).from(mix.from()).to(mix.to())
              .knowledge(Map.of("batch", mix.batch(), "n", n)).build();
          settle(attempt(() -> channel.send(spore)), sends, mix.batch(), n, spore.id()).whenComplete((done, error) ->
              unfinished.release());
          peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        }),
        paced("mix-broadcasts", mix.broadcastsPerSecond(), halted, n -> {
          Spore spore = Spore.builder(SporeType.BROADCAST).from(mix.from())
              .knowledge(Map.of("batch", mix.batch() + "-b", "n", n)).build();
          settle(attempt(() -> channel.broadcast(spore)), broadcasts, mix.batch() + "-b", n, spore.id());
        }),
        paced("mix-requests", mix.requestsPerSecond(), halted, n -> {
          String batch = mix.batch() + "-r";
          Spore request = Spore.builder(SporeType.REQUEST).from(mix.from()).to(mix.ask())
              .knowledge(Map.of("batch", batch, "n", n, "asker", mix.from())).build();
          requests.attempted.incrementAndGet();
          emit("REQUESTED", batch, n, request.id());
          CompletableFuture<Spore> asked;
          try {
            asked = channel.request(request, mix.requestTimeout());
          } catch (RuntimeException e) {
            asked = CompletableFuture.failedFuture(e);
          }
          asked.whenComplete((reply, error) -> {
            if (error == null) {
              requests.ok.incrementAndGet();
              emit("REPLY", batch, mix.from(), request.id(), reply.replyTo(), text(reply, "asker"), text(reply, "n"),
                  text(reply, "pid"));
            } else {
              requests.failed.incrementAndGet();
              emit("REQUEST_FAILED", batch, mix.from(), request.id(), cause(error).getClass().getSimpleName());
            }
          });
        }));
    for (Thread stream : streams) {
      try {
        stream.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    // Every future ends by itself (a confirm or a request times out); a hung one keeps MIX_DONE from printing.
    while (sends.ended() < sends.attempted.get() || broadcasts.ended() < broadcasts.attempted.get()
        || requests.ended() < requests.attempted.get()) {
      LockSupport.parkNanos(10_000_000L);
    }
    halts.remove(mix.batch());
    emit("MIX_DONE", mix.batch(), sends.describe(), broadcasts.describe(), requests.describe(), peakHeap.get() >> 20);
  }

  /** One step of a paced stream: the {@code n}th spore. */
  private interface Step {
    void run(long n) throws InterruptedException;
  }

  /**
   * A thread that runs {@code step} {@code perSecond} times a second until {@code halted}. After a stall
   * (the broker away, the window full) it takes up the pace from where it is rather than bursting to
   * catch up: a soak wants a steady load, not a flood after every fault.
   */
  private static Thread paced(String name, double perSecond, CountDownLatch halted, Step step) {
    Thread thread = new Thread(() -> {
      if (perSecond <= 0) {
        return;
      }
      long interval = (long) (1_000_000_000L / perSecond);
      long due = System.nanoTime();
      try {
        for (long n = 0; !halted.await(Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS); n++) {
          step.run(n);
          due = Math.max(due + interval, System.nanoTime() - 1_000_000_000L);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static CompletableFuture<Void> attempt(Supplier<CompletableFuture<Void>> send) {
    try {
      return send.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Counts and reports how one send of a mix ends. */
  private static CompletableFuture<Void> settle(CompletableFuture<Void> send, Outcomes outcomes, String batch, long n,
      String sporeId) {
    outcomes.attempted.incrementAndGet();
    return send.whenComplete((done, error) -> {
      if (error == null) {
        outcomes.ok.incrementAndGet();
        emit("SENT", batch, n, sporeId);
      } else {
        outcomes.failed.incrementAndGet();
        emit("SEND_FAILED", batch, n, sporeId, cause(error).getClass().getSimpleName());
      }
    });
  }

  /** Holds the stream to its rate: the producer of a steady stream, not a wait for a condition. */
  private static void pace(long dueNanos) {
    for (long wait = dueNanos - System.nanoTime(); wait > 0; wait = dueNanos - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }

  private void broadcast(String batch, String from) {
    Spore spore = Spore.builder(SporeType.BROADCAST).from(from).knowledge(Map.of("batch", batch, "n", "broadcast"))
        .build();
    channel.broadcast(spore).join();
    emit("BROADCAST_SENT", batch, spore.id());
  }

  /** Each local instance of {@code from} asks on its own behalf and records which reply answered which request. */
  private void request(String batch, String from, String to, int count, Duration timeout) {
    for (Subscription instance : instances) {
      if (!instance.agentName().equals(from)) {
        continue;
      }
      String asker = instance.instanceId();
      AtomicInteger replied = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      List<CompletableFuture<Spore>> asked = new ArrayList<>(count);
      for (int n = 0; n < count; n++) {
        Spore request = Spore.builder(SporeType.REQUEST).from(from).to(to)
            .knowledge(Map.of("batch", batch, "n", n, "asker", asker)).build();
        asked.add(channel.request(request, timeout).whenComplete((reply, error) -> {
          if (error == null) {
            replied.incrementAndGet();
            emit("REPLY", batch, asker, request.id(), reply.replyTo(), text(reply, "asker"), text(reply, "n"),
                text(reply, "pid"));
          } else {
            failed.incrementAndGet();
            emit("REQUEST_FAILED", batch, asker, request.id(), cause(error).getClass().getSimpleName());
          }
        }));
      }
      CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
          .whenComplete((done, error) -> emit("REQUESTS_DONE", batch, asker, replied.get(), failed.get()));
    }
  }

  private void stats(String batch) {
    ReefStats stats = reef.stats();
    emit("STATS", batch, "handled=" + stats.handled(), "duplicates=" + stats.duplicates(),
        "received=" + stats.received(), "sent=" + stats.sent(), "sendFailures=" + stats.sendFailures(),
        "expired=" + stats.expired());
  }

  private void heard(String batch, String agent) {
    long last = reef.directory().agents().stream()
        .filter(info -> !info.isLocal() && info.agentName().equals(agent) && info.lastHeartbeat() != null)
        .mapToLong(info -> info.lastHeartbeat().toEpochMilli()).max().orElse(-1);
    emit("HEARD", batch, agent, last);
  }

  private void stop() {
    released.countDown(); // held handlers finish, so that the Reef drains
    reef.close();
    commands.shutdownNow();
    emit("STOPPED");
    System.out.flush();
    System.exit(0);
  }

  private static void emit(String kind, Object... fields) {
    StringBuilder line = new StringBuilder(kind);
    for (Object field : fields) {
      line.append(' ').append(field);
    }
    System.out.println(line); // println is atomic per line: handler threads may print at once
  }

  /** A knowledge field as one token ({@code -} when absent). */
  private static String text(Spore spore, String field) {
    JsonDocument knowledge = spore.knowledge();
    if (knowledge == null || !knowledge.has(field)) {
      return "-";
    }
    return knowledge.get(field).asText().replace(' ', '_');
  }

  private static Throwable cause(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      options.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    return options;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + name + "= is required");
    }
    return value;
  }

  private static Map<String, Integer> agents(String list) {
    Map<String, Integer> agents = new LinkedHashMap<>();
    for (String entry : list.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] nameAndCount = entry.split(":");
      if (nameAndCount.length != 2) {
        throw new IllegalArgumentException("--agents= takes NAME:INSTANCES,..., got '" + entry + "'");
      }
      agents.put(nameAndCount[0], Integer.parseInt(nameAndCount[1]));
    }
    return agents;
  }

  private static SubscriptionOptions subscriptionOptions(Map<String, String> options) {
    SubscriptionOptions.Builder builder = SubscriptionOptions.builder();
    if (options.containsKey("concurrency")) {
      builder.concurrent(Integer.parseInt(options.get("concurrency")));
    }
    if (options.containsKey("prefetch")) {
      builder.prefetch(Integer.parseInt(options.get("prefetch")));
    }
    if (options.containsKey("handler-timeout-ms")) {
      builder.handlerTimeout(Duration.ofMillis(Long.parseLong(options.get("handler-timeout-ms"))));
    }
    if (options.containsKey("max-attempts")) {
      Duration pause = Duration.ofMillis(100);
      builder.retry(new RetryPolicy(Integer.parseInt(options.get("max-attempts")), pause, 1.0, pause));
    }
    return builder.build();
  }
}
