package dev.reef.tools.http;

import static dev.reef.tools.http.PrometheusText.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 4 on a broker: {@code /metrics} counts what was sent and handled, {@code /health}
 * turns unready when the broker connection is lost and ready again once it recovers. The outage is
 * a {@link CuttableProxy} between this Reef and the shared broker, which is never stopped.
 */
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry is the one SPEC §7 names
class HealthOnBrokerLossTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void unreadyWhileTheBrokerIsUnreachableReadyAgainAfterAndCountingThroughout() throws Exception {
    URI broker = BrokerNamespace.brokerUri();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (CuttableProxy proxy = new CuttableProxy(broker.getHost(), broker.getPort() == -1 ? 5672 : broker.getPort());
        BrokerNamespace namespace = new BrokerNamespace(List.of("main"), List.of("worker"))) {
      try (Reef reef = namespace.reef(throughProxy(broker, proxy)).meterRegistry(registry)
              .drainTimeout(Duration.ofSeconds(2)).build();
          AgentRuntime runtime = AgentRuntime.on(reef)) {
        runtime.register(AgentSpec.named("worker").onAny((spore, context) -> null).build());
        runtime.start("worker", 1);
        try (ReefHttpServer server = ReefHttpServer.builder(reef, runtime, registry)
            .host("127.0.0.1").port(0).start()) {
          Channel main = reef.channel("main");
          sendAndAwaitHandled(reef, main, 10, 10);
          publishUndecodable(namespace);

          await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            PrometheusText.Exposition metrics = PrometheusText.parse(Http.get(server.port(), "/metrics").body());
            assertThat(metrics.sum("reef_spores_sent_total", labels("channel", "main", "agent", "tester"))).isEqualTo(10);
            assertThat(metrics.sum("reef_spores_handled_total", labels("channel", "main", "agent", "worker"))).isEqualTo(10);
            assertThat(metrics.sum("reef_spores_undecodable_total", labels("channel", "main"))).isEqualTo(1);
          });
          JsonNode snapshot = JSON.readTree(Http.get(server.port(), ReefHttpServer.SNAPSHOT_PATH).body());
          assertThat(snapshot.path("agents").get(0).path("agent").asText()).isEqualTo("worker");
          assertThat(snapshot.path("agents").get(0).path("online").asBoolean()).isTrue();
          assertThat(Http.get(server.port(), ReefHttpServer.READINESS_PATH).status()).isEqualTo(200);

          proxy.cut();

          await("unready once the connection is lost").atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            Http.Response ready = Http.get(server.port(), ReefHttpServer.READINESS_PATH);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).path("checks").path("broker").path("connected").asBoolean()).isFalse();
          });
          assertThat(Http.get(server.port(), ReefHttpServer.LIVENESS_PATH).status()).isEqualTo(200);
          assertThat(Http.get(server.port(), ReefHttpServer.HEALTH_PATH).status()).isEqualTo(503);

          proxy.restore();

          await("ready again after recovery").atMost(20, TimeUnit.SECONDS)
              .until(() -> Http.get(server.port(), ReefHttpServer.READINESS_PATH).status() == 200);
          sendAndAwaitHandled(reef, main, 5, 15);
          PrometheusText.Exposition metrics = PrometheusText.parse(Http.get(server.port(), "/metrics").body());
          assertThat(metrics.sum("reef_spores_sent_total", labels("channel", "main", "agent", "tester"))).isEqualTo(15);
          assertThat(metrics.sum("reef_spores_handled_total", labels("channel", "main", "agent", "worker"))).isEqualTo(15);
        }
      }
    }
  }

  private static void sendAndAwaitHandled(Reef reef, Channel main, int count, long handledInAll) {
    for (int i = 0; i < count; i++) {
      main.send("tester", "worker", Map.of("n", i)).join();
    }
    await().atMost(15, TimeUnit.SECONDS).until(() -> reef.stats().handled() == handledInAll);
  }

  /** A message no spore decoder accepts (no headers, body not JSON), as a broken publisher sends. */
  private static void publishUndecodable(BrokerNamespace namespace) throws Exception {
    try (Connection raw = BrokerNamespace.rawConnection(); com.rabbitmq.client.Channel channel = raw.createChannel()) {
      channel.basicPublish(namespace.namespace() + ".main", "agent.worker.knowledge",
          new AMQP.BasicProperties.Builder().build(), "not json".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String throughProxy(URI broker, CuttableProxy proxy) {
    String userInfo = broker.getRawUserInfo() != null ? broker.getRawUserInfo() + "@" : "";
    String path = broker.getRawPath() != null ? broker.getRawPath() : "";
    return broker.getScheme() + "://" + userInfo + "127.0.0.1:" + proxy.port() + path;
  }
}
