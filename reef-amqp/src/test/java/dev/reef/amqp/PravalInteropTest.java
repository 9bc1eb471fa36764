package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.reef.Reef;
import dev.reef.spore.Timestamps;
import dev.reef.spore.Spore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §4: a Reef agent in namespace {@code praval}, channel {@code spores}, exchanges spores with
 * Praval 0.8 agents. The Praval side is played by a plain AMQP client sending byte for byte what
 * Praval sends, and reading Reef's reply with nothing but the headers Praval knows.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PravalInteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AmqpTestNamespace praval = new AmqpTestNamespace("praval");

  @AfterEach
  void cleanUp() {
    praval.close();
  }

  @Test
  void aReefAgentHandlesAPravalRequestAndThePravalAgentReadsTheReply() throws Exception {
    Reef reef = praval.reef();
    Queue<Spore> handled = new ConcurrentLinkedQueue<>();
    reef.channel("spores").subscribe("reef_worker", (spore, context) -> {
      handled.add(spore);
      int sum = 0;
      for (JsonNode value : spore.knowledge().get("values")) {
        sum += value.asInt();
      }
      return Map.of("sum", sum);
    });

    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      // What Praval's transport declares, and the queue its agent 'praval_client' listens on.
      channel.exchangeDeclare("praval.spores", BuiltinExchangeType.TOPIC, true);
      String inbox = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.queueBind(inbox, "praval.spores", "agent.praval_client.*");

      String requestId = PravalMessages.newId();
      Map<String, Object> headers =
          PravalMessages.headers(requestId, "request", "praval_client", "reef_worker", null);
      byte[] body = "{\"task\": \"sum\", \"values\": [1, 2, 3]}".getBytes(StandardCharsets.UTF_8); // json.dumps
      channel.basicPublish("praval.spores", "agent.reef_worker.request", PravalMessages.properties(headers), body);

      await().atMost(Duration.ofSeconds(5)).until(() -> !handled.isEmpty());
      Spore request = handled.peek();
      assertThat(request.id()).isEqualTo(requestId);
      assertThat(request.fromAgent()).isEqualTo("praval_client");
      assertThat(request.createdAt()).isEqualTo(Timestamps.parse(headers.get("created_at").toString()));

      GetResponse reply = await().atMost(Duration.ofSeconds(5)).until(() -> channel.basicGet(inbox, true),
          response -> response != null);
      // Read as Praval's Spore.from_amqp_message does: its headers, and the body as JSON.
      Map<String, Object> replyHeaders = reply.getProps().getHeaders();
      assertThat(text(replyHeaders, "spore_type")).isEqualTo("response");
      assertThat(text(replyHeaders, "from_agent")).isEqualTo("reef_worker");
      assertThat(text(replyHeaders, "to_agent")).isEqualTo("praval_client");
      assertThat(text(replyHeaders, "reply_to")).isEqualTo(requestId);
      assertThat(text(replyHeaders, "priority")).isEqualTo("5");
      assertThat(text(replyHeaders, "version")).isEqualTo("1.0");
      assertThat(text(replyHeaders, "expires_at")).isEmpty();
      // Python's datetime.fromisoformat reads this form (offset +00:00, microseconds).
      assertThat(text(replyHeaders, "created_at"))
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
      assertThat(Timestamps.parse(text(replyHeaders, "created_at"))).isBefore(Instant.now().plusSeconds(1));
      assertThat(text(replyHeaders, "spore_id")).isEqualTo(reply.getProps().getMessageId());
      assertThat(reply.getEnvelope().getRoutingKey()).isEqualTo("agent.praval_client.response");
      assertThat(reply.getProps().getDeliveryMode()).isEqualTo(2);
      assertThat(reply.getProps().getContentType()).isEqualTo("application/json");
      JsonNode knowledge = JSON.readTree(reply.getBody());
      assertThat(knowledge.get("sum").asInt()).isEqualTo(6);
    }
  }

  @Test
  void aPravalBroadcastReachesReefAgentsAndAReefBroadcastReachesPraval() throws Exception {
    Reef reef = praval.reef();
    Queue<Spore> handled = new ConcurrentLinkedQueue<>();
    reef.channel("spores").subscribe("reef_listener", (spore, context) -> {
      handled.add(spore);
      return null;
    });

    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      channel.exchangeDeclare("praval.spores", BuiltinExchangeType.TOPIC, true);
      String inbox = channel.queueDeclare("", false, true, true, null).getQueue();
      channel.queueBind(inbox, "praval.spores", "broadcast.*");

      Map<String, Object> headers =
          PravalMessages.headers(PravalMessages.newId(), "broadcast", "praval_news", null, null);
      channel.basicPublish("praval.spores", "broadcast.broadcast", PravalMessages.properties(headers),
          "{\"headline\": \"reef spotted\"}".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(5)).until(() -> !handled.isEmpty());
      assertThat(handled.peek().knowledge().getString("headline")).isEqualTo("reef spotted");
      assertThat(handled.peek().toAgent()).isNull();

      reef.channel("spores").broadcast("reef_listener", Map.of("headline", "praval spotted")).join();
      GetResponse news = await().atMost(Duration.ofSeconds(5)).until(() -> nextNotFrom(channel, inbox, "praval_news"),
          response -> response != null);
      assertThat(text(news.getProps().getHeaders(), "spore_type")).isEqualTo("broadcast");
      assertThat(text(news.getProps().getHeaders(), "to_agent")).isEmpty();
      assertThat(JSON.readTree(news.getBody()).get("headline").asText()).isEqualTo("praval spotted");
    }
  }

  /** The next message in {@code queue} not sent by {@code sender} (its own broadcast comes back too). */
  private static GetResponse nextNotFrom(Channel channel, String queue, String sender) throws Exception {
    GetResponse response;
    while ((response = channel.basicGet(queue, true)) != null) {
      if (!sender.equals(text(response.getProps().getHeaders(), "from_agent"))) {
        return response;
      }
    }
    return null;
  }

  private static String text(Map<String, Object> headers, String name) {
    Object value = headers.get(name);
    assertThat(value).as("header %s", name).isNotNull();
    return value.toString();
  }
}
