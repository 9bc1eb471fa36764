package dev.reef.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reference requester of the RPC latency scenario, with the plain RabbitMQ client over direct
 * reply-to ({@code amq.rabbitmq.reply-to}): requests are persistent, mandatory, published with
 * confirms to the responder's topic exchange, as Reef publishes them; the same closed loops and
 * {@code LATENCY} lines as {@link ReefRequesterJvm}.
 *
 * <p>Parameters: {@code uri}, {@code exchange}, {@code routing-key}, {@code levels}, {@code
 * requests}, {@code warmup}, and {@code reply-queue=true} to take replies through a private exclusive
 * queue, as Reef's AMQP backend does, instead of direct reply-to (to measure what that costs).
 */
final class PlainRequesterJvm {
  private static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

  private final Channel channel;
  private final String exchange;
  private final String routingKey;
  private final byte[] body = RpcPayload.body();
  private final long[] starts;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile Latencies latencies;
  private volatile Semaphore slots;
  private int next;
  private String replyTo = DIRECT_REPLY_TO;

  private PlainRequesterJvm(Channel channel, String exchange, String routingKey, int capacity) {
    this.channel = channel;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.starts = new long[capacity];
  }

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String exchange = params.text("exchange", "rpc");
    String routingKey = params.text("routing-key", "agent.echo.request");
    String[] levels = params.text("levels", "1,64").split(",");
    int requests = params.intValue("requests", 1_000, 1_000, 1);
    int warmup = params.intValue("warmup", 100, 100, 0);
    boolean replyQueue = Boolean.parseBoolean(params.text("reply-queue", "false"));
    params.requireAllUsed();
    try (Connection connection = Broker.factory(uri).newConnection("bench-rpc-requester")) {
      Channel channel = connection.createChannel();
      channel.confirmSelect();
      PlainRequesterJvm requester = new PlainRequesterJvm(channel, exchange, routingKey,
          levels.length * (requests + warmup));
      channel.addReturnListener(returned -> requester.failure.compareAndSet(null,
          new IllegalStateException("request returned unroutable: " + returned.getReplyText())));
      if (replyQueue) {
        // As Reef's AMQP backend does: a private exclusive queue instead of direct reply-to.
        requester.replyTo = channel.queueDeclare("", false, true, true, null).getQueue();
      }
      channel.basicConsume(requester.replyTo, true, (tag, delivery) -> requester.replied(
          Integer.parseInt(delivery.getProperties().getCorrelationId())), tag -> { });
      for (String level : levels) {
        int inFlight = Integer.parseInt(level.trim());
        requester.loop(inFlight, warmup, null);
        Latencies recorded = new Latencies(requests);
        requester.loop(inFlight, requests, recorded);
        System.out.println(recorded.line(inFlight));
        System.out.flush();
      }
    }
  }

  private void loop(int inFlight, int count, Latencies recording) throws Exception {
    slots = new Semaphore(inFlight);
    latencies = recording;
    for (int i = 0; i < count && failure.get() == null; i++) {
      slots.acquire();
      int id = next++;
      AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
          .correlationId(Integer.toString(id))
          .replyTo(replyTo)
          .contentType("application/json")
          .deliveryMode(2)
          .priority(5)
          .expiration("30000")
          .build();
      starts[id] = System.nanoTime();
      channel.basicPublish(exchange, routingKey, true, properties, body);
    }
    slots.acquire(inFlight);
    if (failure.get() != null) {
      throw new IllegalStateException("a request failed", failure.get());
    }
  }

  private void replied(int id) {
    long roundTrip = System.nanoTime() - starts[id];
    Latencies recording = latencies;
    if (recording != null) {
      recording.record(roundTrip);
    }
    slots.release();
  }
}
