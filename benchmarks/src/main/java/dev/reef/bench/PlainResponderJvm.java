package dev.reef.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

/**
 * The reference responder of the RPC latency scenario, with the plain RabbitMQ client: consumes a
 * queue with manual acknowledgements and a prefetch, publishes each request's body back to its
 * {@code reply_to} with its {@code correlation_id}, then acknowledges it. Prints {@code READY}; ends
 * when its standard input ends.
 *
 * <p>Parameters: {@code uri}, {@code queue}, {@code prefetch}.
 */
final class PlainResponderJvm {
  private PlainResponderJvm() {}

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String queue = params.text("queue", "rpc");
    int prefetch = params.intValue("prefetch", 64, 64, 1);
    params.requireAllUsed();
    try (Connection connection = Broker.factory(uri).newConnection("bench-rpc-responder")) {
      Channel channel = connection.createChannel();
      channel.basicQos(prefetch);
      channel.basicConsume(queue, false, (tag, delivery) -> {
        AMQP.BasicProperties request = delivery.getProperties();
        AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
            .correlationId(request.getCorrelationId())
            .contentType("application/json")
            .deliveryMode(2)
            .build();
        channel.basicPublish("", request.getReplyTo(), reply, delivery.getBody());
        channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
      }, tag -> { });
      System.out.println("READY");
      System.out.flush();
      Latencies.awaitEndOfInput();
    }
  }
}
