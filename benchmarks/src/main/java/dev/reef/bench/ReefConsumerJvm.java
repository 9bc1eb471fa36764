package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefStats;
import dev.reef.SubscriptionOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer JVM of the AMQP throughput and fan-out scenarios: subscribes agents on a channel
 * with handlers that only count, prints {@code READY}, samples the receive rate every second, and
 * ends once the agents have handled {@code expect} spores in all.
 *
 * <p>Parameters: {@code uri}, {@code namespace}, {@code channel}, {@code agents} (names,
 * comma-separated), {@code prefetch}, {@code expect}, {@code timeout-s}.
 */
final class ReefConsumerJvm {
  private ReefConsumerJvm() {}

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String namespace = params.text("namespace", "bench");
    String channelName = params.text("channel", "bench");
    List<String> agents = List.of(params.text("agents", "sink").split(","));
    int prefetch = params.intValue("prefetch", 128, 128, 1);
    long expect = params.intValue("expect", 1, 1, 1);
    int timeout = params.intValue("timeout-s", 600, 600, 1);
    params.requireAllUsed();

    AtomicLong received = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    try (Reef reef = Reef.builder().uri(uri).namespace(namespace).build()) {
      Channel channel = reef.channel(channelName);
      SubscriptionOptions options = SubscriptionOptions.DEFAULT.toBuilder().prefetch(prefetch).build();
      for (String agent : agents) {
        channel.subscribe(agent, options, (spore, context) -> {
          if (received.incrementAndGet() == expect) {
            done.countDown();
          }
          return null;
        });
      }
      System.out.println("READY");
      System.out.flush();
      ScheduledExecutorService reporter = Intervals.report(received, System.out);
      boolean all = done.await(timeout, TimeUnit.SECONDS);
      Thread.sleep(1_100); // one more sample: the rule leaves out the last interval with deliveries
      reporter.shutdownNow();
      reef.awaitQuiescence(Duration.ofSeconds(10));
      ReefStats stats = reef.stats();
      System.out.println("DONE handled=" + received.get() + " " + stats);
      if (!all) {
        System.out.println("FAILED only " + received.get() + " of " + expect + " spores arrived in " + timeout + " s");
        System.exit(1);
      }
    }
  }
}
