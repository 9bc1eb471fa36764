package dev.reef.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.support.converter.MessageConverter;

/**
 * The Spring AMQP peer's consumer JVM in the AMQP throughput and fan-out scenarios: one listener
 * container per queue (one listener per agent, as Reef has one consumer per agent), each converting
 * every message to the knowledge record with the Jackson converter, counting it, and then
 * acknowledging it. Prints {@code READY}, samples the receive rate every second as {@link
 * ReefConsumerJvm} does, and ends once {@code expect} messages were handled in all.
 *
 * <p>Parameters: {@code uri}, {@code queues} (comma-separated), {@code prefetch}, {@code expect},
 * {@code timeout-s}.
 */
final class SpringConsumerJvm {
  private SpringConsumerJvm() {}

  public static void main(String[] args) {
    SpringAmqp.runThenExit(() -> run(args));
  }

  private static void run(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    List<String> queues = List.of(params.text("queues", "sink").split(","));
    int prefetch = params.intValue("prefetch", 128, 128, 1);
    long expect = params.intValue("expect", 1, 1, 1);
    int timeout = params.intValue("timeout-s", 600, 600, 1);
    params.requireAllUsed();

    AtomicLong received = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    MessageConverter converter = SpringAmqp.converter();
    CachingConnectionFactory factory = SpringAmqp.connectionFactory(uri, "bench-spring-consumer", ConfirmType.NONE);
    List<SimpleMessageListenerContainer> containers = new ArrayList<>();
    try {
      for (String queue : queues) {
        containers.add(SpringAmqp.listen(factory, queue, prefetch, (message, channel) -> {
          SpringPayload.Knowledge knowledge = (SpringPayload.Knowledge) converter.fromMessage(message);
          Objects.requireNonNull(knowledge, "no knowledge in the message");
          if (received.incrementAndGet() == expect) {
            done.countDown();
          }
          channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
        }));
      }
      System.out.println("READY");
      System.out.flush();
      ScheduledExecutorService reporter = Intervals.report(received, System.out);
      boolean all = done.await(timeout, TimeUnit.SECONDS);
      Thread.sleep(1_100); // one more sample: the rule leaves out the last interval with deliveries
      reporter.shutdownNow();
      System.out.println("DONE handled=" + received.get());
      if (!all) {
        throw new IllegalStateException("only " + received.get() + " of " + expect + " messages arrived in "
            + timeout + " s");
      }
    } finally {
      containers.forEach(SimpleMessageListenerContainer::stop);
      factory.destroy();
    }
  }
}
