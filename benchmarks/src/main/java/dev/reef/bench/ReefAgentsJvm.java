package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.SporeHandler;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent JVM of the scale scenario: connects a Reef, subscribes {@code agents} agent names on one
 * channel (timing the subscriptions), reports its memory with one agent and with all of them
 * ({@code memory=true}), prints {@code READY}, then counts what its agents handle ({@code COUNT n}
 * when it changed, every 100 ms) until its standard input ends.
 *
 * <p>Parameters: {@code uri}, {@code namespace}, {@code channel}, {@code prefix}, {@code agents},
 * {@code memory}, {@code settle-ms}.
 */
final class ReefAgentsJvm {
  private ReefAgentsJvm() {}

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String namespace = params.text("namespace", "bench");
    String channelName = params.text("channel", "scale");
    String prefix = params.text("prefix", "agent");
    int agents = params.intValue("agents", 1, 1, 1);
    boolean memory = Boolean.parseBoolean(params.text("memory", "false"));
    int settle = params.intValue("settle-ms", 1_000, 1_000, 0);
    params.requireAllUsed();

    AtomicLong handled = new AtomicLong();
    SporeHandler handler = (spore, context) -> {
      handled.incrementAndGet();
      return null;
    };
    try (Reef reef = Reef.builder().uri(uri).namespace(namespace).build()) {
      Channel channel = reef.channel(channelName);
      long start = System.nanoTime();
      channel.subscribe(AgentsJvm.agentName(prefix, 1), handler);
      long firstNanos = System.nanoTime() - start;
      if (memory) {
        AgentsJvm.printMemory(1, settle);
      }
      start = System.nanoTime();
      for (int i = 2; i <= agents; i++) {
        channel.subscribe(AgentsJvm.agentName(prefix, i), handler);
      }
      long restNanos = System.nanoTime() - start;
      System.out.printf(Locale.ROOT, "DECLARED agents=%d ms=%.1f%n", agents, (firstNanos + restNanos) / 1e6);
      if (memory) {
        AgentsJvm.printMemory(agents, settle);
      }
      System.out.println("READY");
      System.out.flush();
      ScheduledExecutorService reporter = count(handled);
      Latencies.awaitEndOfInput();
      reporter.shutdownNow();
      System.out.println("HANDLED " + handled.get());
    }
  }

  /** Prints {@code COUNT n} every 100 ms when {@code counter} changed. */
  static ScheduledExecutorService count(AtomicLong counter) {
    ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-count");
      thread.setDaemon(true);
      return thread;
    });
    long[] last = {0};
    reporter.scheduleAtFixedRate(() -> {
      long now = counter.get();
      if (now != last[0]) {
        last[0] = now;
        System.out.println("COUNT " + now);
        System.out.flush();
      }
    }, 100, 100, TimeUnit.MILLISECONDS);
    return reporter;
  }
}
