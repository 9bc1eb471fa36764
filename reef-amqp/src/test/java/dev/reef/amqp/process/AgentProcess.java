package dev.reef.amqp.process;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefStats;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The main class of an agent JVM the cross-process tests launch (see {@link AgentJvm}): one Reef on
 * the broker of {@code REEF_AMQP_URI}, some instances of some agents on one channel, driven by
 * commands on standard input and reporting on standard output, one {@link AgentEvent} per line.
 * Logging goes to standard error.
 *
 * <p>Arguments: {@code --namespace=NS --channel=CH [--agents=NAME:INSTANCES,...] [--concurrency=N]
 * [--prefetch=N] [--handler-delay-ms=N] [--hold=true]}. Every agent instance
 * prints what it handles and answers requests with the request's {@code asker} and {@code n}, this
 * JVM's pid and its own instance id. With {@code --handler-delay-ms} each handler run takes that
 * long (a slow consumer); with {@code --hold=true} each handler prints {@code HOLDING} and blocks
 * until {@code stop} (unfinished spores held by the JVM, for a test that kills it).
 *
 * <p>Events (the first field after the kind is the batch a command named):
 * <pre>
 * INSTANCE agent instanceId                 an agent instance subscribed
 * READY pid                                 every instance subscribed
 * HANDLED batch agent instanceId type n sporeId
 * SENT batch n sporeId                      a send's future completed
 * SEND_FAILED batch n sporeId errorClass    a send's future failed
 * SENDS_DONE batch ok failed                every send of the batch ended
 * HOLDING batch agent instanceId type n sporeId   a held handler started (--hold=true)
 * FLOOD_PROGRESS batch attempted ended ok failed heapUsedMiB   about once a second
 * FLOOD_DONE batch attempted ok failed failures peakHeapUsedMiB   failures: Class=count,... or -
 * BROADCAST_SENT batch sporeId
 * REPLY batch instanceId requestId replyTo echoedAsker echoedN replierPid
 * REQUEST_FAILED batch instanceId requestId errorClass
 * REQUESTS_DONE batch instanceId replied failed
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
 * quiesce BATCH TIMEOUT_MS             waits until nothing is queued for or held by this JVM
 * stats BATCH                          the Reef's counters
 * stop                                 closes the Reef (in-flight handlers finish) and exits
 * </pre>
 * The end of standard input (the test JVM died) stops the JVM as {@code stop} does.
 */
public final class AgentProcess {
  private static final long PID = ProcessHandle.current().pid();

  private final Reef reef;
  private final Channel channel;
  private final List<Subscription> instances = new ArrayList<>();
  private final long handlerDelayMillis;
  private final boolean hold;
  private final CountDownLatch released = new CountDownLatch(1);
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
      case "quiesce/3" -> emit("QUIET", words.get(1),
          reef.awaitQuiescence(Duration.ofMillis(Long.parseLong(words.get(2)))));
      case "stats/2" -> stats(words.get(1));
      default -> throw new IllegalArgumentException("unknown command or wrong number of arguments");
    }
  }

  private void send(String batch, String from, String to, int count, int perSecond, int window) {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<Void>> sends = new ArrayList<>(count);
    // Pipelining: the sender goes as fast as confirms come back, with at most `window` outstanding.
    Semaphore unfinished = new Semaphore(window > 0 ? window : Integer.MAX_VALUE);
    long start = System.nanoTime();
    for (int n = 0; n < count; n++) {
      if (perSecond > 0) {
        pace(start + n * 1_000_000_000L / perSecond);
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
    return builder.build();
  }
}
