package dev.reef.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The Spring AMQP peer's requester in the RPC latency scenario. With one request in flight, a closed
 * loop of {@link RabbitTemplate#convertSendAndReceive} calls over direct reply-to (the template's
 * default), as a Java team writes a chain of single requests; with more, an {@link
 * AsyncRabbitTemplate} over direct reply-to keeps that many in flight. Requests are the question
 * record through the Jackson converter, persistent, mandatory, priority 5 and a 30 s expiration (as
 * Reef's and the plain client's), on a connection with publisher confirms; replies time out after 30
 * s. The same loops and {@code LATENCY} lines as {@link ReefRequesterJvm}.
 *
 * <p>Parameters: {@code uri}, {@code exchange}, {@code routing-key}, {@code levels}, {@code
 * requests}, {@code warmup}.
 */
final class SpringRequesterJvm {
  private static final long TIMEOUT_MILLIS = 30_000;
  private static final MessagePostProcessor AS_REEF_DOES = message -> {
    message.getMessageProperties().setPriority(5);
    message.getMessageProperties().setExpiration(Long.toString(TIMEOUT_MILLIS));
    return message;
  };

  private final RabbitTemplate template;
  private final AsyncRabbitTemplate asyncTemplate;
  private final String exchange;
  private final String routingKey;
  private final SpringPayload.Question question = SpringPayload.question();

  private SpringRequesterJvm(RabbitTemplate template, AsyncRabbitTemplate asyncTemplate, String exchange,
      String routingKey) {
    this.template = template;
    this.asyncTemplate = asyncTemplate;
    this.exchange = exchange;
    this.routingKey = routingKey;
  }

  public static void main(String[] args) {
    SpringAmqp.runThenExit(() -> run(args));
  }

  private static void run(String[] args) throws Exception {
    Params params = Params.of(args);
    String uri = params.text("uri", Broker.LOCAL);
    String exchange = params.text("exchange", "rpc");
    String routingKey = params.text("routing-key", "agent.echo.request");
    String[] levels = params.text("levels", "1,64").split(",");
    int requests = params.intValue("requests", 1_000, 1_000, 1);
    int warmup = params.intValue("warmup", 100, 100, 0);
    params.requireAllUsed();

    CachingConnectionFactory factory = SpringAmqp.connectionFactory(uri, "bench-spring-requester",
        ConfirmType.CORRELATED);
    try {
      RabbitTemplate template = new RabbitTemplate(factory);
      template.setMessageConverter(SpringAmqp.converter());
      template.setMandatory(true);
      template.setReplyTimeout(TIMEOUT_MILLIS);
      AsyncRabbitTemplate asyncTemplate = new AsyncRabbitTemplate(template);
      asyncTemplate.setMandatory(true);
      asyncTemplate.setReceiveTimeout(TIMEOUT_MILLIS);
      asyncTemplate.start();
      try {
        SpringRequesterJvm requester = new SpringRequesterJvm(template, asyncTemplate, exchange, routingKey);
        for (String level : levels) {
          int inFlight = Integer.parseInt(level.trim());
          requester.loop(inFlight, warmup, null);
          Latencies recorded = new Latencies(requests);
          requester.loop(inFlight, requests, recorded);
          System.out.println(recorded.line(inFlight));
          System.out.flush();
        }
      } finally {
        asyncTemplate.stop();
        template.stop(); // its own direct reply-to container, used by convertSendAndReceive
      }
    } finally {
      factory.destroy();
    }
  }

  private void loop(int inFlight, int count, Latencies recording) throws Exception {
    if (inFlight == 1) {
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        Object reply = template.convertSendAndReceive(exchange, routingKey, question, AS_REEF_DOES);
        long roundTrip = System.nanoTime() - start;
        if (!(reply instanceof SpringPayload.Question)) {
          throw new IllegalStateException(reply == null ? "no reply within " + TIMEOUT_MILLIS + " ms"
              : "unexpected reply " + reply);
        }
        if (recording != null) {
          recording.record(roundTrip);
        }
      }
      return;
    }
    Semaphore slots = new Semaphore(inFlight);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < count && failure.get() == null; i++) {
      slots.acquire();
      long start = System.nanoTime();
      asyncTemplate.<SpringPayload.Question>convertSendAndReceive(exchange, routingKey, question, AS_REEF_DOES)
          .whenComplete((reply, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            } else if (recording != null) {
              recording.record(System.nanoTime() - start);
            }
            slots.release();
          });
    }
    if (!slots.tryAcquire(inFlight, 2 * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("requests still unanswered after " + 2 * TIMEOUT_MILLIS + " ms");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a request failed", failure.get());
    }
  }
}
