package dev.reef.bench;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.adapter.MessageListenerAdapter;

/**
 * The Spring AMQP peer's responder in the RPC latency scenario: a listener container on the request
 * queue whose {@link MessageListenerAdapter} (what a {@code @RabbitListener} method returning a value
 * amounts to) converts the question with the Jackson converter, calls {@link Echo#handleMessage},
 * and publishes the answer to the request's {@code reply_to} with its correlation id; the request is
 * acknowledged manually after that. Prints {@code READY}; ends when its standard input ends.
 *
 * <p>Parameters: {@code uri}, {@code queue}, {@code prefetch}.
 */
final class SpringResponderJvm {
  private SpringResponderJvm() {}

  /** The handler: answers each question with itself, as Reef's responder returns the request's knowledge. */
  static final class Echo {
    /** Called by the adapter, by name, for each request. */
    public SpringPayload.Question handleMessage(SpringPayload.Question question) {
      return question;
    }
  }

  public static void main(String[] args) {
    SpringAmqp.runThenExit(() -> run(args));
  }

  private static void run(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String queue = params.text("queue", "rpc");
    int prefetch = params.intValue("prefetch", 64, 64, 1);
    params.requireAllUsed();

    CachingConnectionFactory factory = SpringAmqp.connectionFactory(uri, "bench-spring-responder", ConfirmType.NONE);
    MessageListenerAdapter adapter = new MessageListenerAdapter(new Echo(), SpringAmqp.converter());
    SimpleMessageListenerContainer container = SpringAmqp.listen(factory, queue, prefetch, (message, channel) -> {
      adapter.onMessage(message, channel);
      channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
    });
    try {
      System.out.println("READY");
      System.out.flush();
      Latencies.awaitEndOfInput();
    } finally {
      container.stop();
      factory.destroy();
    }
  }
}
