package dev.reef.bench;

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

  /**
   * A caching connection factory for {@code uri} whose connection carries {@code name}; its channels use
   * publisher confirms of type {@code confirms} and, unless that is {@link ConfirmType#NONE}, publisher
   * returns (for mandatory publishes).
   */
  static CachingConnectionFactory connectionFactory(String uri, String name, ConfirmType confirms) {
    CachingConnectionFactory factory = new CachingConnectionFactory(URI.create(uri));
    factory.setConnectionNameStrategy(ignored -> name);
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
