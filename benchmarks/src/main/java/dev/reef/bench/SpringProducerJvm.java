package dev.reef.bench;

import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The Spring AMQP peer's producer JVM in the AMQP throughput and fan-out scenarios: a {@link
 * RabbitTemplate} with the Jackson converter sends {@code messages} times the 1 KB knowledge record
 * (persistent, priority 5 as Reef's spores), each with correlated publisher confirms, keeping at most
 * {@code window} unconfirmed as {@link ReefProducerJvm} does with its send futures, with a channel
 * cache of at least {@code window} channels; a nack, or a mandatory publish returned unroutable, fails
 * the run. Then prints {@code SENT}.
 *
 * <p>Parameters: {@code uri}, {@code exchange}, {@code routing-key}, {@code mandatory}, {@code
 * messages}, {@code window}.
 */
final class SpringProducerJvm {
  private SpringProducerJvm() {}

  public static void main(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String exchange = params.text("exchange", "bench");
    String routingKey = params.text("routing-key", "agent.sink.knowledge");
    boolean mandatory = Boolean.parseBoolean(params.text("mandatory", "true"));
    int messages = params.intValue("messages", 1, 1, 1);
    int window = params.intValue("window", 128, 128, 1);
    params.requireAllUsed();

    SpringPayload.Knowledge knowledge = SpringPayload.knowledge();
    MessagePostProcessor priority = message -> {
      message.getMessageProperties().setPriority(5);
      return message;
    };
    Semaphore unconfirmed = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CachingConnectionFactory factory = SpringAmqp.connectionFactory(uri, "bench-spring-producer", true);
    // With correlated confirms the template puts a channel back in the cache only once its confirms have
    // come, so a window of unconfirmed sends uses as many channels: with Spring's default cache (25) the
    // rest would be opened and closed per send. A team tuning for confirms sets the cache to the window.
    factory.setChannelCacheSize(Math.max(factory.getChannelCacheSize(), window));
    try {
      RabbitTemplate template = new RabbitTemplate(factory);
      template.setMessageConverter(SpringAmqp.converter());
      template.setMandatory(mandatory);
      long start = System.nanoTime();
      for (int i = 0; i < messages && failure.get() == null; i++) {
        unconfirmed.acquire();
        CorrelationData correlation = new CorrelationData();
        try {
          template.convertAndSend(exchange, routingKey, knowledge, priority, correlation);
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
          unconfirmed.release();
          break;
        }
        correlation.getFuture().whenComplete((confirm, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          } else if (!confirm.isAck()) {
            failure.compareAndSet(null, new IllegalStateException("publish nacked: " + confirm.getReason()));
          } else if (correlation.getReturned() != null) {
            failure.compareAndSet(null, new IllegalStateException("publish returned unroutable: "
                + correlation.getReturned().getReplyText()));
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
    } finally {
      factory.destroy();
    }
    // Spring AMQP's deferred channel-close pool keeps non-daemon threads alive for 60 s after the last use.
    System.exit(0);
  }
}
