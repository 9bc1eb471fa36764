package dev.reef.bench;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DeliverCallback;
import java.io.IOException;
import java.util.Locale;

/**
 * The reference of the scale scenario, with the plain RabbitMQ client: for each agent name, what
 * Reef's AMQP backend asks of the broker when an agent subscribes (a channel, the agent queue and
 * its expired queue with Reef's arguments, the two bindings, the prefetch, two consumers), without
 * Reef's worker pools, presence or meters. Reports as {@link ReefAgentsJvm} does, then waits for its
 * standard input to end.
 *
 * <p>Parameters: {@code uri}, {@code namespace}, {@code channel}, {@code prefix}, {@code agents},
 * {@code memory}, {@code settle-ms}.
 */
final class PlainAgentsJvm {
  private PlainAgentsJvm() {}

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

    try (Connection connection = Broker.factory(uri).newConnection("bench-scale-plain")) {
      String exchange = namespace + "." + channelName;
      long start = System.nanoTime();
      Channel setup = connection.createChannel();
      setup.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null);
      subscribe(connection, exchange, AgentsJvm.agentName(prefix, 1));
      long firstNanos = System.nanoTime() - start;
      if (memory) {
        AgentsJvm.printMemory(1, settle);
      }
      start = System.nanoTime();
      for (int i = 2; i <= agents; i++) {
        subscribe(connection, exchange, AgentsJvm.agentName(prefix, i));
      }
      long restNanos = System.nanoTime() - start;
      System.out.printf(Locale.ROOT, "DECLARED agents=%d ms=%.1f%n", agents, (firstNanos + restNanos) / 1e6);
      if (memory) {
        AgentsJvm.printMemory(agents, settle);
      }
      System.out.println("READY");
      System.out.flush();
      Latencies.awaitEndOfInput();
    }
  }

  private static void subscribe(Connection connection, String exchange, String agent) throws IOException {
    String queue = exchange + "." + agent;
    String expired = queue + ".expired";
    Channel channel = connection.createChannel();
    channel.queueDeclare(expired, true, false, false, java.util.Map.of("x-max-length", Broker.MAX_QUEUE_LENGTH,
        "x-overflow", "reject-publish"));
    channel.queueDeclare(queue, true, false, false, Broker.agentQueueArguments(expired));
    channel.queueBind(queue, exchange, "agent." + agent + ".*");
    channel.queueBind(queue, exchange, "broadcast.*");
    channel.basicQos(16);
    DeliverCallback ack = (tag, delivery) -> channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
    channel.basicConsume(queue, false, ack, tag -> { });
    channel.basicConsume(expired, false, ack, tag -> { });
  }
}
