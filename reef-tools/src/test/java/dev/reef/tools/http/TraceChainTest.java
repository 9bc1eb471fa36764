package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.reef.Reef;
import dev.reef.SporeHandler;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Acceptance 6 (SPEC §7): a chain of spores caused by one another — something tells A, A asks B, B
 * asks C — carries one W3C trace id end to end, on both backends; every handler's logging MDC holds
 * the id of the spore it handles and that trace id. On AMQP the trace also travels as the {@code
 * traceparent} header, and a foreign publisher's header starts the chain's trace.
 */
class TraceChainTest {
  private static final String CHANNEL = "chain";
  private static final String OUTSIDE_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  /** What one handler saw. */
  private record Handled(String agent, String sporeId, String traceId, String replyTraceId) {}

  private final List<Handled> handled = new CopyOnWriteArrayList<>();
  private final Logger handlerLog = (Logger) LoggerFactory.getLogger("dev.reef.tools.http.chain");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing(); // keep the MDC of the handler's thread, as async appenders do
      super.append(event);
    }
  };

  @BeforeEach
  void captureLogs() {
    logs.start();
    handlerLog.addAppender(logs);
    handlerLog.setLevel(Level.INFO);
    handlerLog.setAdditive(false);
  }

  @AfterEach
  void releaseLogs() {
    handlerLog.detachAppender(logs);
    logs.stop();
  }

  @Test
  void oneTraceIdAlongTheChainInMemory() {
    try (Reef reef = Reef.builder().drainTimeout(Duration.ofSeconds(2)).build();
        AgentRuntime runtime = chain(reef)) {
      Spore start = startSpore(null);
      reef.channel(CHANNEL).send(start).join();

      assertOneTrace(start.id(), start.id().replace("-", ""));
    }
  }

  @Test
  void aTraceparentFromOutsideIsTheChainsTraceInMemory() {
    try (Reef reef = Reef.builder().drainTimeout(Duration.ofSeconds(2)).build();
        AgentRuntime runtime = chain(reef)) {
      Spore start = startSpore("00-" + OUTSIDE_TRACE + "-00f067aa0ba902b7-01");
      reef.channel(CHANNEL).send(start).join();

      assertOneTrace(start.id(), OUTSIDE_TRACE);
    }
  }

  @Test
  void oneTraceIdAlongTheChainOnAmqpAndInTheTraceparentHeader() throws Exception {
    try (BrokerNamespace broker = new BrokerNamespace(List.of(CHANNEL), List.of("A", "B", "C"));
        Reef reef = broker.reef().drainTimeout(Duration.ofSeconds(2)).build();
        AgentRuntime runtime = chain(reef);
        Connection raw = BrokerNamespace.rawConnection()) {
      // A copy of every spore published on the channel, as the broker carries it.
      com.rabbitmq.client.Channel tap = raw.createChannel();
      String tapQueue = tap.queueDeclare().getQueue();
      tap.queueBind(tapQueue, broker.namespace() + "." + CHANNEL, "#");
      List<Map<String, String>> wire = new CopyOnWriteArrayList<>();
      tap.basicConsume(tapQueue, true, new DefaultConsumer(tap) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          Map<String, String> headers = new LinkedHashMap<>();
          properties.getHeaders().forEach((key, value) -> headers.put(key, String.valueOf(value)));
          wire.add(headers);
        }
      });

      Spore start = startSpore(null);
      reef.channel(CHANNEL).send(start).join();
      String traceId = start.id().replace("-", "");
      assertOneTrace(start.id(), traceId);

      await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(wire).hasSize(3));
      Map<String, String> first = wire.get(0);
      assertThat(first.get("spore_id")).isEqualTo(start.id());
      assertThat(first).doesNotContainKey("traceparent"); // the first spore starts the trace with its own id
      for (Map<String, String> request : wire.subList(1, 3)) {
        assertThat(request.get("spore_type")).isEqualTo("request");
        assertThat(request.get("traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01");
        assertThat(request.get("metadata")).contains(request.get("traceparent"));
      }
    }
  }

  @Test
  void aForeignPublishersTraceparentHeaderStartsTheTraceOnAmqp() throws Exception {
    try (BrokerNamespace broker = new BrokerNamespace(List.of(CHANNEL), List.of("A", "B", "C"));
        Reef reef = broker.reef().drainTimeout(Duration.ofSeconds(2)).build();
        AgentRuntime runtime = chain(reef);
        Connection raw = BrokerNamespace.rawConnection();
        com.rabbitmq.client.Channel publisher = raw.createChannel()) {
      // As a non-Reef program publishes: SPEC §4 headers, W3C traceparent, no Reef metadata header.
      String id = java.util.UUID.randomUUID().toString();
      Map<String, Object> headers = new LinkedHashMap<>();
      headers.put("spore_id", id);
      headers.put("spore_type", "knowledge");
      headers.put("from_agent", "outsider");
      headers.put("to_agent", "A");
      headers.put("created_at", Instant.now().toString());
      headers.put("version", "1.0");
      headers.put("traceparent", "00-" + OUTSIDE_TRACE + "-b7ad6b7169203331-01");
      publisher.basicPublish(broker.namespace() + "." + CHANNEL, "agent.A.knowledge",
          new AMQP.BasicProperties.Builder().headers(headers).contentType("application/json").build(),
          "{\"task\":\"start\"}".getBytes(StandardCharsets.UTF_8));

      assertOneTrace(id, OUTSIDE_TRACE);
    }
  }

  /** A (asks B), B (asks C) and C on the chain channel; each logs one line while handling. */
  private AgentRuntime chain(Reef reef) {
    AgentRuntime runtime = AgentRuntime.on(reef);
    runtime.register(agent("A", "B"));
    runtime.register(agent("B", "C"));
    runtime.register(agent("C", null));
    runtime.start("A", 1);
    runtime.start("B", 1);
    runtime.start("C", 1);
    return runtime;
  }

  private AgentSpec agent(String name, String asks) {
    SporeHandler handler = (spore, context) -> {
      handlerLog.info("{} handling {}", name, spore.id());
      String replyTrace = null;
      if (asks != null) {
        Spore reply = context.request(asks, Map.of("from", name), Duration.ofSeconds(10)).join();
        replyTrace = reply.metadata().getString("traceparent");
      }
      handled.add(new Handled(name, spore.id(), context.traceId(), replyTrace));
      return Map.of("handled_by", name);
    };
    return AgentSpec.named(name).channel(CHANNEL).onAny(handler).build();
  }

  private static Spore startSpore(String traceparent) {
    Spore.Builder start = Spore.builder(SporeType.KNOWLEDGE).from("outsider").to("A").knowledge(Map.of("task", "start"));
    if (traceparent != null) {
      start.metadata("traceparent", traceparent);
    }
    return start.build();
  }

  private void assertOneTrace(String startId, String traceId) {
    await().atMost(15, TimeUnit.SECONDS).until(() -> handled.size() == 3);
    Map<String, Handled> byAgent = new LinkedHashMap<>();
    handled.forEach(entry -> byAgent.put(entry.agent(), entry));
    assertThat(byAgent).containsOnlyKeys("A", "B", "C");
    assertThat(byAgent.get("A").sporeId()).isEqualTo(startId);
    assertThat(handled).extracting(Handled::traceId).containsOnly(traceId);
    // Replies belong to the trace too: C's reply to B, and B's reply to A.
    assertThat(byAgent.get("A").replyTraceId()).contains(traceId);
    assertThat(byAgent.get("B").replyTraceId()).contains(traceId);
    assertThat(List.of(byAgent.get("A").sporeId(), byAgent.get("B").sporeId(), byAgent.get("C").sporeId()))
        .doesNotHaveDuplicates();

    List<ILoggingEvent> lines = new ArrayList<>(logs.list);
    assertThat(lines).hasSize(3);
    for (ILoggingEvent line : lines) {
      Map<String, String> mdc = line.getMDCPropertyMap();
      String agent = line.getArgumentArray()[0].toString();
      assertThat(mdc).as("MDC of %s's handler", agent)
          .containsEntry("trace_id", traceId)
          .containsEntry("spore_id", byAgent.get(agent).sporeId())
          .containsEntry("agent", agent);
    }
  }
}
