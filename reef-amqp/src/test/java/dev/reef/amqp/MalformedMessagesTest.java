package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §4: messages that are not spores, published with a plain AMQP client into an agent's queue,
 * end in the dead letters with the reason; the consumer goes on with good spores and the metrics
 * count them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MalformedMessagesTest {
  private final AmqpTestNamespace namespace = new AmqpTestNamespace();

  @AfterEach
  void cleanUp() {
    namespace.close();
  }

  @Test
  void malformedMessagesAreDeadLetteredWithTheirReasonAndTheConsumerGoesOn() throws Exception {
    Reef reef = namespace.reef();
    Queue<Integer> handled = new ConcurrentLinkedQueue<>();
    reef.channel("main").subscribe("eater", (spore, context) -> {
      handled.add(spore.knowledge().get("n").asInt());
      return null;
    });
    String exchange = namespace.namespace() + ".main";

    byte[] twentyMegabytes = new byte[20 * 1024 * 1024];
    Arrays.fill(twentyMegabytes, (byte) ' ');
    twentyMegabytes[0] = '{';
    twentyMegabytes[twentyMegabytes.length - 1] = '}';
    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      publish(channel, exchange, valid(), "this is not JSON");
      publish(channel, exchange, valid(), "[1, 2, 3]");
      publish(channel, exchange, null, "{\"n\": 1}");
      Map<String, Object> missing = valid();
      missing.remove("spore_type");
      missing.remove("from_agent");
      publish(channel, exchange, missing, "{\"n\": 2}");
      Map<String, Object> wrongType = valid();
      wrongType.put("priority", 5);
      publish(channel, exchange, wrongType, "{\"n\": 3}");
      channel.basicPublish(exchange, "agent.eater.knowledge", properties(valid()), twentyMegabytes);
      channel.waitForConfirmsOrDie(10_000);
    }
    reef.channel("main").send("feeder", "eater", Map.of("n", 42)).join();

    await().atMost(Duration.ofSeconds(20)).until(() -> reef.stats().undecodable() == 6 && handled.size() == 1);
    assertThat(handled).containsExactly(42);
    List<DeadLetter> letters = reef.deadLetters().list();
    assertThat(letters).hasSize(6).allSatisfy(letter -> {
      assertThat(letter.spore()).isEmpty();
      assertThat(letter.rawPayload()).isPresent();
      assertThat(letter.attempts()).isZero();
      assertThat(letter.agent()).isEqualTo("eater");
      assertThat(letter.channel()).isEqualTo("main");
    });
    assertThat(letters).extracting(DeadLetter::error).satisfiesExactlyInAnyOrder(
        error -> assertThat(error).startsWith("body is not JSON"),
        error -> assertThat(error).isEqualTo("knowledge must be a JSON object or null, got an array"),
        error -> assertThat(error).startsWith("message has no headers"),
        error -> assertThat(error).isIn("header 'spore_type' is missing", "header 'from_agent' is missing"),
        error -> assertThat(error).isEqualTo("header 'priority' must be a string, got Integer (5)"),
        error -> assertThat(error).isEqualTo("body of 20971520 bytes exceeds the limit of 10485760 bytes"));
    DeadLetter big = letters.stream().filter(letter -> letter.error().startsWith("body of")).findFirst().orElseThrow();
    assertThat(big.rawPayload().orElseThrow()).hasSizeLessThanOrEqualTo(DeadLetterFormat.SHOWN_PAYLOAD_CHARS + 3);
    assertThat(reef.stats().handled()).isEqualTo(1);
  }

  private static Map<String, Object> valid() {
    return new HashMap<>(PravalMessages.headers(PravalMessages.newId(), "knowledge", "raw", "eater", null));
  }

  private static AMQP.BasicProperties properties(Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder().headers(headers).deliveryMode(2).build();
  }

  private static void publish(Channel channel, String exchange, Map<String, Object> headers, String body)
      throws Exception {
    channel.basicPublish(exchange, "agent.eater.knowledge", properties(headers), body.getBytes(StandardCharsets.UTF_8));
  }
}
