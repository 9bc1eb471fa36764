package dev.reef.bench;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefStats;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.JsonDocument;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reef on its in-memory backend, as a user gets it from {@code Reef.inMemory()}: directed knowledge
 * spores from one sender to one agent whose handler does nothing, run sequentially on the agent's
 * Vert.x worker pool with the default options except, when asked, the prefetch.
 */
final class ReefSide implements Side {
  /** The side's name. */
  static final String NAME = "reef";
  private static final String SENDER = "bench-sender";
  private static final String SINK = "bench-sink";

  private final Reef reef;
  private final Channel channel;
  private final Subscription subscription;
  private final JsonDocument knowledge;
  private final int window;
  private volatile Round round;
  private long delivered;

  ReefSide(JsonDocument knowledge, int window, int prefetch) {
    this.knowledge = knowledge;
    this.window = window;
    this.reef = Reef.inMemory();
    this.channel = reef.channel("bench");
    SubscriptionOptions options = SubscriptionOptions.DEFAULT.toBuilder().prefetch(prefetch).build();
    this.subscription = channel.subscribe(SINK, options, (spore, context) -> {
      round.seen();
      return null;
    });
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long deliver(int messages) throws Exception {
    Round current = new Round(messages, window);
    round = current;
    current.start();
    for (int i = 0; i < messages; i++) {
      current.beforeSend();
      // In memory the future is already complete; a failure (e.g. queue full) ends the round loudly.
      channel.send(SENDER, SINK, knowledge).whenComplete((ok, error) -> {
        if (error != null) {
          current.failed(error);
        }
      });
    }
    long nanos = current.await(name(), 10, TimeUnit.MINUTES);
    delivered += messages;
    checkNothingLost();
    return nanos;
  }

  /**
   * Reef's own counters must agree with the handler: every spore sent was handled, none dropped.
   * Runs after the clock stopped; waits for the last settlement, which follows the handler's return.
   */
  private void checkNothingLost() {
    if (!reef.awaitQuiescence(Duration.ofSeconds(30))) {
      throw new IllegalStateException("reef: still busy 30 s after the handler saw every spore: " + reef.stats());
    }
    ReefStats stats = reef.stats();
    if (stats.sent() != delivered || stats.handled() != delivered || stats.failed() != 0 || stats.expired() != 0
        || stats.duplicates() != 0 || stats.deadLettered() != 0 || stats.sendFailures() != 0) {
      throw new IllegalStateException("reef: expected " + delivered + " spores sent and handled, got " + stats);
    }
  }

  @Override
  public void close() {
    subscription.close();
    reef.close();
  }
}
