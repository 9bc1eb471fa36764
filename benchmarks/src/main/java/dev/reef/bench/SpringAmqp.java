package dev.reef.bench;

import com.rabbitmq.client.BlockedListener;
import java.net.URI;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;
import org.springframework.amqp.support.converter.Jackson2JsonMessageConverter;

/**
 * How the Spring AMQP peer's JVMs are put together, without Spring Boot, as a Java team would
 * configure Spring AMQP by hand: a {@link CachingConnectionFactory}, the Jackson message converter,
 * and one {@link SimpleMessageListenerContainer} (Spring's default container) per queue, acknowledging
 * manually after the handler.
 */
final class SpringAmqp {
  /** The package whose types the converter may create from the {@code __TypeId__} header. */
  private static final String TRUSTED_PACKAGE = SpringAmqp.class.getPackageName();

  private SpringAmqp() {}

  /** The body of a Spring AMQP JVM's {@code main}, which may fail with any exception. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /**
   * Runs {@code body}, then ends the JVM: with code 0, or after printing {@code FAILED} and the cause,
   * with code 1. Spring AMQP's deferred channel-close pool keeps non-daemon threads alive for 60 s after
   * the last use: a JVM left to end by itself would linger, after a failure a minute before it is seen
   * to fail.
   */
  static void runThenExit(Body body) {
    try {
      body.run();
    } catch (Throwable e) {
      System.out.println("FAILED " + e);
      System.out.flush();
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  /**
   * A caching connection factory for {@code uri} whose connection carries {@code name}; its channels use
   * publisher confirms of type {@code confirms} and, unless that is {@link ConfirmType#NONE}, publisher
   * returns (for mandatory publishes). It says on standard error when the broker blocks its connection
   * (a resource alarm), and no AMQP method waits longer than {@link Broker#RPC_TIMEOUT_MS} for its
   * answer.
   */
  static CachingConnectionFactory connectionFactory(String uri, String name, ConfirmType confirms) {
    CachingConnectionFactory factory = new CachingConnectionFactory(URI.create(uri));
    factory.setConnectionNameStrategy(ignored -> name);
    factory.getRabbitConnectionFactory().setChannelRpcTimeout(Broker.RPC_TIMEOUT_MS);
    // A broker's resource alarm holds publishers without a word: said here, a stalled run says why.
    factory.addConnectionListener(connection -> connection.addBlockedListener(new BlockedListener() {
      @Override
      public void handleBlocked(String reason) {
        System.err.println("[" + name + "] the broker blocked the connection: " + reason);
      }

      @Override
      public void handleUnblocked() {
        System.err.println("[" + name + "] the broker unblocked the connection");
      }
    }));
    if (confirms != ConfirmType.NONE) {
      factory.setPublisherConfirmType(confirms);
      factory.setPublisherReturns(true);
    }
    return factory;
  }

  /** Spring's Jackson converter, trusting the benchmarks' own records. */
  static Jackson2JsonMessageConverter converter() {
    return new Jackson2JsonMessageConverter(TRUSTED_PACKAGE);
  }

  /**
   * Starts a container consuming {@code queue} with {@code prefetch}; {@code listener} acknowledges
   * each message itself ({@link AcknowledgeMode#MANUAL}).
   */
  static SimpleMessageListenerContainer listen(ConnectionFactory factory, String queue, int prefetch,
      ChannelAwareMessageListener listener) {
    SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(factory);
    container.setQueueNames(queue);
    container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
    container.setPrefetchCount(prefetch);
    container.setMessageListener(listener);
    container.afterPropertiesSet();
    container.start();
    return container;
  }
}
