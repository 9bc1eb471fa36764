package dev.reef.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmCallback;
import java.util.Locale;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The Spring AMQP peer's producer JVM in the AMQP throughput and fan-out scenarios: a {@link
 * RabbitTemplate} with the Jackson converter sends {@code messages} times the 1 KB knowledge record
 * (persistent, priority 5 as Reef's spores), each with publisher confirms, keeping at most {@code
 * window} unconfirmed as {@link ReefProducerJvm} does with its send futures; a nack, or a mandatory
 * publish returned unroutable, fails the run. Then prints {@code SENT}.
 *
 * <p>Two ways, as a Spring team would write them:
 *
 * <ul>
 *   <li>by default, each send with correlated confirms ({@link CorrelationData}), with a channel cache
 *       of at least {@code window} channels. The template takes a channel from the cache for each send,
 *       so one sender's messages are spread over many channels and may reach a queue out of order;
 *   <li>with {@code ordered=true}, every send on one channel, as Spring's documentation has a sender
 *       keep its messages in order: scoped operations ({@link RabbitTemplate#invoke} with confirm
 *       callbacks, simple confirms), the window counted by delivery tag. This is what Reef guarantees
 *       (SPEC §3.7: one sender's spores to an agent arrive in send order).
 * </ul>
 *
 * <p>Parameters: {@code uri}, {@code exchange}, {@code routing-key}, {@code mandatory}, {@code
 * messages}, {@code window}, {@code ordered}.
 */
final class SpringProducerJvm {
  /** The longest wait for a credit of the window or for the last confirms: a stuck broker fails the run. */
  private static final long CONFIRM_TIMEOUT_S = 300;

  private SpringProducerJvm() {}

  public static void main(String[] args) {
    SpringAmqp.runThenExit(() -> run(args));
  }

  private static void run(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String exchange = params.text("exchange", "bench");
    String routingKey = params.text("routing-key", "agent.sink.knowledge");
    boolean mandatory = Boolean.parseBoolean(params.text("mandatory", "true"));
    int messages = params.intValue("messages", 1, 1, 1);
    int window = params.intValue("window", 128, 128, 1);
    boolean ordered = Boolean.parseBoolean(params.text("ordered", "false"));
    params.requireAllUsed();

    Sends sends = new Sends(exchange, routingKey, messages, window);
    CachingConnectionFactory factory = SpringAmqp.connectionFactory(uri, "bench-spring-producer",
        ordered ? ConfirmType.SIMPLE : ConfirmType.CORRELATED);
    if (!ordered) {
      // With correlated confirms the template puts a channel back in the cache only once its confirms have
      // come, so a window of unconfirmed sends uses as many channels: with Spring's default cache (25) the
      // rest would be opened and closed per send. A team tuning for confirms sets the cache to the window.
      factory.setChannelCacheSize(Math.max(factory.getChannelCacheSize(), window));
    }
    try {
      RabbitTemplate template = new RabbitTemplate(factory);
      template.setMessageConverter(SpringAmqp.converter());
      template.setMandatory(mandatory);
      long start = System.nanoTime();
      if (ordered) {
        sends.onOneChannel(template);
      } else {
        sends.correlated(template);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (sends.failure.get() != null) {
        throw new IllegalStateException("a send failed", sends.failure.get());
      }
      System.out.printf(Locale.ROOT, "SENT %d in %.3f s (%.0f confirmed/s)%n", messages, seconds, messages / seconds);
    } finally {
      factory.destroy();
    }
  }

  /** One run of sends: what to send, the window of unconfirmed ones, and the first failure. */
  private static final class Sends {
    private static final MessagePostProcessor PRIORITY = message -> {
      message.getMessageProperties().setPriority(5);
      return message;
    };

    final SpringPayload.Knowledge knowledge = SpringPayload.knowledge();
    final String exchange;
    final String routingKey;
    final int messages;
    final int window;
    final Semaphore unconfirmed;
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Sends(String exchange, String routingKey, int messages, int window) {
      this.exchange = exchange;
      this.routingKey = routingKey;
      this.messages = messages;
      this.window = window;
      this.unconfirmed = new Semaphore(window);
    }

    /** Each send with its own {@link CorrelationData}, on whichever cached channel the template takes. */
    void correlated(RabbitTemplate template) throws InterruptedException {
      for (int i = 0; i < messages && failure.get() == null; i++) {
        acquire(1);
        CorrelationData correlation = new CorrelationData();
        try {
          template.convertAndSend(exchange, routingKey, knowledge, PRIORITY, correlation);
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
      acquire(window); // every send confirmed
    }

    /**
     * Every send on one channel, in order: the broker confirms by delivery tag (one or, with {@code
     * multiple}, every tag up to it), and the channel's listeners go with the scope, so the last confirms
     * are awaited inside it.
     */
    void onOneChannel(RabbitTemplate template) {
      NavigableSet<Long> outstanding = new ConcurrentSkipListSet<>();
      ConfirmCallback acks = (tag, multiple) -> unconfirmed.release(confirmed(outstanding, tag, multiple));
      ConfirmCallback nacks = (tag, multiple) -> {
        failure.compareAndSet(null, new IllegalStateException("publish nacked (delivery tag " + tag + ")"));
        unconfirmed.release(confirmed(outstanding, tag, multiple));
      };
      template.setReturnsCallback(returned -> failure.compareAndSet(null,
          new IllegalStateException("publish returned unroutable: " + returned.getReplyText())));
      template.invoke(operations -> {
        try {
          // Only these sends use the channel, so their delivery tags follow on from its next one.
          long firstTag = operations.execute(Channel::getNextPublishSeqNo);
          for (int i = 0; i < messages && failure.get() == null; i++) {
            acquire(1);
            outstanding.add(firstTag + i); // before the publish, so that its confirm always finds it
            operations.convertAndSend(exchange, routingKey, knowledge, PRIORITY);
          }
          acquire(window); // every send confirmed
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure.compareAndSet(null, e);
        }
        return null;
      }, acks, nacks);
    }

    private void acquire(int credits) throws InterruptedException {
      if (!unconfirmed.tryAcquire(credits, CONFIRM_TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no publisher confirm within " + CONFIRM_TIMEOUT_S + " s");
      }
    }

    /** Removes the confirmed tags: {@code tag}, or with {@code multiple} every one up to it; returns how many. */
    private static int confirmed(NavigableSet<Long> outstanding, long tag, boolean multiple) {
      if (!multiple) {
        return outstanding.remove(tag) ? 1 : 0;
      }
      NavigableSet<Long> upTo = outstanding.headSet(tag, true); // a view: polling it removes from the set
      int count = 0;
      while (upTo.pollFirst() != null) {
        count++;
      }
      return count;
    }
  }
}
