package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.spore.JsonDocument;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The producer JVM of the AMQP throughput and fan-out scenarios: sends {@code messages} spores of 1
 * KB of knowledge, directed to {@code to} or, when {@code to} is {@code *}, broadcast, keeping at
 * most {@code window} sends unconfirmed (as PerfTest's {@code --confirm}), then prints {@code SENT}.
 *
 * <p>Parameters: {@code uri}, {@code namespace}, {@code channel}, {@code from}, {@code to}, {@code
 * messages}, {@code window}.
 */
final class ReefProducerJvm {
  private ReefProducerJvm() {}

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String namespace = params.text("namespace", "bench");
    String channelName = params.text("channel", "bench");
    String from = params.text("from", "bench-producer");
    String to = params.text("to", "sink");
    int messages = params.intValue("messages", 1, 1, 1);
    int window = params.intValue("window", 128, 128, 1);
    params.requireAllUsed();

    JsonDocument knowledge = Payload.knowledge();
    Semaphore unconfirmed = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (Reef reef = Reef.builder().uri(uri).namespace(namespace).build()) {
      Channel channel = reef.channel(channelName);
      boolean broadcast = to.equals("*");
      long start = System.nanoTime();
      for (int i = 0; i < messages && failure.get() == null; i++) {
        unconfirmed.acquire();
        CompletableFuture<Void> sent = broadcast
            ? channel.broadcast(from, knowledge)
            : channel.send(from, to, knowledge);
        sent.whenComplete((ok, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
          unconfirmed.release();
        });
      }
      unconfirmed.acquire(window); // every send confirmed
      double seconds = (System.nanoTime() - start) / 1e9;
      if (failure.get() != null) {
        System.out.println("FAILED " + failure.get());
        System.exit(1);
      }
      System.out.printf(Locale.ROOT, "SENT %d in %.3f s (%.0f confirmed/s)%n", messages, seconds, messages / seconds);
    }
  }
}
