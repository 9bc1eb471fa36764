package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.spore.JsonDocument;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The requester JVM of the RPC latency scenario: for each level of concurrency, a closed loop that
 * keeps that many requests in flight, first {@code warmup} unrecorded requests, then {@code
 * requests} recorded ones; prints a {@code LATENCY} line per level.
 *
 * <p>Parameters: {@code uri}, {@code namespace}, {@code channel}, {@code to}, {@code levels}
 * (comma-separated), {@code requests}, {@code warmup}.
 */
final class ReefRequesterJvm {
  private ReefRequesterJvm() {}

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String namespace = params.text("namespace", "bench");
    String channelName = params.text("channel", "rpc");
    String to = params.text("to", "echo");
    String levels = params.text("levels", "1,64");
    int requests = params.intValue("requests", 1_000, 1_000, 1);
    int warmup = params.intValue("warmup", 100, 100, 0);
    params.requireAllUsed();

    JsonDocument question = RpcPayload.document();
    try (Reef reef = Reef.builder().uri(uri).namespace(namespace).build()) {
      Channel channel = reef.channel(channelName);
      for (String level : levels.split(",")) {
        int inFlight = Integer.parseInt(level.trim());
        loop(channel, to, question, inFlight, warmup, null);
        Latencies latencies = new Latencies(requests);
        loop(channel, to, question, inFlight, requests, latencies);
        System.out.println(latencies.line(inFlight));
        System.out.flush();
      }
    }
  }

  private static void loop(Channel channel, String to, JsonDocument question, int inFlight, int count,
      Latencies latencies) throws Exception {
    Semaphore slots = new Semaphore(inFlight);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < count && failure.get() == null; i++) {
      slots.acquire();
      long start = System.nanoTime();
      channel.request("bench-requester", to, question, Duration.ofSeconds(30)).whenComplete((reply, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        } else if (latencies != null) {
          latencies.record(System.nanoTime() - start);
        }
        slots.release();
      });
    }
    slots.acquire(inFlight);
    if (failure.get() != null) {
      throw new IllegalStateException("a request failed", failure.get());
    }
  }
}
