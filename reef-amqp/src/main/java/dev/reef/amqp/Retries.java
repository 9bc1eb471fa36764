package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.ReefException;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a failed spore back to one agent's queue after a delay (SPEC §3.9, §5).
 *
 * <p>The copy goes to the {@code ns.retry} headers exchange, which sorts it by delay into {@code
 * ns.retry.DELAY}. That queue has one time to live for all its messages, so none waits behind a
 * longer one (per-message TTLs only expire at the head of a queue). When it expires it is
 * dead-lettered through the default exchange with the routing key it was published with, which is
 * the agent queue's name: so it comes back to that agent only, even when it was a broadcast.
 *
 * <p>Delays are rounded up to two significant digits (1234 ms waits 1300 ms), so that any retry
 * policy needs few delay queues.
 */
final class Retries implements RetrySender {
  private final Topology topology;
  private final BrokerQueues queues;
  private final MessageSender sender;
  private final SporeCodec codec;
  private final Set<String> delayQueues = ConcurrentHashMap.newKeySet();

  Retries(Topology topology, BrokerQueues queues, MessageSender sender, SporeCodec codec) {
    this.topology = topology;
    this.queues = queues;
    this.sender = sender;
    this.codec = codec;
  }

  @Override
  public CompletableFuture<Void> sendBack(String channel, String agent, Spore spore, String replyAddress,
      String publisher, int attempt, Duration delay) {
    String queue = topology.agentQueue(channel, agent);
    SporeCodec.Encoded encoded = copy(spore, replyAddress, publisher, attempt, 1);
    long delayMillis = bucket(delay.toMillis());
    String description = "retry " + attempt + " of spore " + spore.id() + " for agent '" + agent + "' on channel '"
        + channel + "'";
    if (delayMillis == 0) {
      return straightBack(queue, agent, encoded.properties(), encoded.body(), description);
    }
    delayQueues.add(topology.retryQueue(delayMillis));
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    headers.put(Topology.RETRY_DELAY_HEADER, Long.toString(delayMillis));
    AMQP.BasicProperties properties = encoded.properties().builder().headers(headers).build();
    return sender.send(new OutgoingMessage(topology.names().retryExchange(), queue, properties, encoded.body(),
        () -> new ReefException("the retry queue for " + delayMillis + " ms is gone; " + description
            + " could not be sent"), description));
  }

  @Override
  public CompletableFuture<Void> sendAgain(String channel, String agent, Spore spore, String replyAddress,
      String publisher, int attempt, int deliveries) {
    String queue = topology.names().agentQueue(channel, agent); // it exists: the spore came from it
    SporeCodec.Encoded encoded = copy(spore, replyAddress, publisher, attempt, deliveries);
    return straightBack(queue, agent, encoded.properties(), encoded.body(),
        "delivery " + deliveries + " of attempt " + attempt + " of spore " + spore.id() + " for agent '" + agent
            + "' on channel '" + channel + "'");
  }

  /** The spore encoded again, carrying what {@link Republished} reads. */
  private SporeCodec.Encoded copy(Spore spore, String replyAddress, String publisher, int attempt, int deliveries) {
    SporeCodec.Encoded encoded = codec.encode(spore, replyAddress, attempt, Instant.now());
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    Republished.write(headers, deliveries, publisher);
    return new SporeCodec.Encoded(encoded.properties().builder().headers(headers).build(), encoded.body());
  }

  private CompletableFuture<Void> straightBack(String queue, String agent, AMQP.BasicProperties properties,
      byte[] body, String description) {
    return sender.send(new OutgoingMessage("", queue, properties, body,
        () -> new ReefException("the queue " + queue + " of agent '" + agent + "' is gone; " + description
            + " could not be sent"), description));
  }

  /**
   * Spores waiting out a retry delay in the delay queues this connection used.
   *
   * @throws ReefException when the broker cannot tell
   */
  long pending() {
    long total = 0;
    for (String queue : delayQueues) {
      total += queues.messageCount(queue);
    }
    return total;
  }

  /** Rounds a delay up to two significant digits; 0 for none. */
  static long bucket(long millis) {
    if (millis <= 0) {
      return 0;
    }
    long unit = 1;
    while (millis / unit >= 100) {
      unit *= 10;
    }
    return (millis + unit - 1) / unit * unit;
  }
}
