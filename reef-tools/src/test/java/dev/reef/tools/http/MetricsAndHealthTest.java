package dev.reef.tools.http;

import static dev.reef.tools.http.PrometheusText.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.AccessDeniedException;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics}, {@code /health} and the event stream on the in-memory backend. */
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry is the one SPEC §7 names
class MetricsAndHealthTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PrometheusMeterRegistry registry;
  private Reef reef;
  private AgentRuntime runtime;
  private ReefHttpServer server;

  @BeforeEach
  void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    reef = Reef.builder()
        .meterRegistry(registry)
        .drainTimeout(Duration.ofSeconds(2))
        .authorizer(request -> "forbidden".equals(request.target()) ? "nobody may write to 'forbidden'" : null)
        .build();
    runtime = AgentRuntime.on(reef);
    runtime.register(AgentSpec.named("worker")
        .options(SubscriptionOptions.builder().concurrent(4)
            .retry(new RetryPolicy(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10))).build())
        .onAny((spore, context) -> {
          if (spore.knowledge() != null && spore.knowledge().has("fail")) {
            throw new IllegalStateException("asked to fail");
          }
          if (spore.knowledge() != null && spore.knowledge().has("slow")) {
            Thread.sleep(300);
          }
          return spore.knowledge();
        })
        .build());
    runtime.start("worker", 2);
    server = ReefHttpServer.builder(reef, runtime, registry).host("127.0.0.1").port(0).start();
  }

  @AfterEach
  void stop() {
    server.close();
    runtime.close();
    reef.close();
  }

  @Test
  void metricsParseAsPrometheusTextAndCountTheSporesSentAndHandled() {
    Channel main = reef.channel("main");
    int count = 25;
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(main.send("tester", "worker", Map.of("n", i)));
    }
    sends.forEach(CompletableFuture::join);
    assertThat(runtime.awaitQuiescence(Duration.ofSeconds(10))).isTrue();

    Http.Response response = Http.get(server.port(), "/metrics");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/plain; version=0.0.4");
    PrometheusText.Exposition metrics = PrometheusText.parse(response.body());
    assertThat(metrics.types()).containsEntry("reef_spores_sent_total", "counter")
        .containsEntry("reef_spores_handled_total", "counter")
        .containsEntry("reef_handler_latency_seconds", "summary")
        .containsEntry("reef_spores_in_flight", "gauge");
    assertThat(metrics.sum("reef_spores_sent_total", labels("channel", "main", "agent", "tester", "type", "knowledge")))
        .isEqualTo(count);
    assertThat(metrics.sum("reef_spores_received_total", labels("channel", "main", "agent", "worker"))).isEqualTo(count);
    assertThat(metrics.sum("reef_spores_handled_total", labels("channel", "main", "agent", "worker"))).isEqualTo(count);
    assertThat(metrics.sum("reef_handler_latency_seconds_count", labels("agent", "worker"))).isEqualTo(count);
    assertThat(metrics.sum("reef_spores_failed_total", labels())).isZero();
    assertThat(metrics.sum("reef_spores_in_flight", labels())).isZero();
    // The exposition and the Reef's own snapshot agree.
    assertThat((long) metrics.sum("reef_spores_handled_total", labels())).isEqualTo(reef.stats().handled());
  }

  @Test
  void everyMeterOfSpec7IsExported() throws Exception {
    Channel main = reef.channel("main");
    main.send("tester", "worker", Map.of("ok", true)).join();
    main.send("tester", "worker", Map.of("fail", true)).join(); // failed twice, retried once, dead-lettered
    main.request("tester", "worker", Map.of("ask", 1), Duration.ofSeconds(5)).join(); // round trip
    CompletableFuture<Spore> late = main.request("tester", "worker", Map.of("slow", true), Duration.ofMillis(50));
    Spore twice = Spore.builder(SporeType.KNOWLEDGE).from("tester").to("worker").knowledge(Map.of("twice", 1)).build();
    main.send(twice).join();
    main.send(twice).join(); // same id: suppressed as a duplicate
    main.send(Spore.builder(SporeType.KNOWLEDGE).from("tester").to("worker")
        .createdAt(Instant.now().minusSeconds(10)).expiresAt(Instant.now().minusSeconds(5)).build()).join();
    assertThat(main.send("tester", "nobody", Map.of()))
        .failsWithin(Duration.ofSeconds(5)); // never subscribed: send_failed
    assertThatThrownBy(() -> main.send("tester", "forbidden", Map.of())).isInstanceOf(AccessDeniedException.class);
    assertThat(late).failsWithin(Duration.ofSeconds(5));

    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
      PrometheusText.Exposition metrics = PrometheusText.parse(Http.get(server.port(), "/metrics").body());
      assertThat(metrics.sum("reef_spores_failed_total", labels("agent", "worker"))).isEqualTo(2);
      assertThat(metrics.sum("reef_spores_retried_total", labels("agent", "worker"))).isEqualTo(1);
      assertThat(metrics.sum("reef_spores_dead_lettered_total", labels("agent", "worker"))).isEqualTo(1);
      assertThat(metrics.sum("reef_spores_duplicates_total", labels("agent", "worker"))).isEqualTo(1);
      assertThat(metrics.sum("reef_spores_expired_total", labels("agent", "worker"))).isEqualTo(1);
      assertThat(metrics.sum("reef_spores_send_failed_total", labels("agent", "tester"))).isEqualTo(1);
      assertThat(metrics.sum("reef_actions_refused_total", labels("agent", "tester", "type", "send"))).isEqualTo(1);
      assertThat(metrics.sum("reef_replies_late_total", labels())).isEqualTo(1);
      assertThat(metrics.sum("reef_request_round_trip_seconds_count", labels("channel", "main"))).isGreaterThanOrEqualTo(1);
      assertThat(metrics.sum("reef_handler_latency_seconds_count", labels("agent", "worker"))).isGreaterThanOrEqualTo(4);
      assertThat(metrics.types()).containsKeys("reef_spores_sent_total", "reef_spores_received_total",
          "reef_spores_handled_total", "reef_spores_in_flight", "reef_handler_latency_seconds",
          "reef_request_round_trip_seconds");
    });
    // reef.spores.undecodable can only happen on a broker: see HealthOnBrokerLossTest.
  }

  @Test
  void healthIsReadyWhileConsumersRunAndUnreadyOnceTheyStop() throws Exception {
    Http.Response ready = Http.get(server.port(), ReefHttpServer.READINESS_PATH);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.contentType()).isEqualTo("application/json");
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.path("status").asText()).isEqualTo("UP");
    assertThat(body.path("checks").path("broker").path("connected").asBoolean()).isTrue();
    assertThat(body.path("checks").path("consumers").path("instances").path("worker").asInt()).isEqualTo(2);
    assertThat(Http.get(server.port(), ReefHttpServer.HEALTH_PATH).status()).isEqualTo(200);

    runtime.stop(); // as on SIGTERM: the runtime drains, the process still serves

    Http.Response unready = Http.get(server.port(), ReefHttpServer.READINESS_PATH);
    assertThat(unready.status()).isEqualTo(503);
    assertThat(JSON.readTree(unready.body()).path("checks").path("consumers").path("status").asText()).isEqualTo("DOWN");
    Http.Response health = Http.get(server.port(), ReefHttpServer.HEALTH_PATH);
    assertThat(health.status()).isEqualTo(503);
    assertThat(JSON.readTree(health.body()).path("live").path("status").asText()).isEqualTo("UP");
    assertThat(Http.get(server.port(), ReefHttpServer.LIVENESS_PATH).status()).isEqualTo(200);

    runtime.start("worker", 1);
    assertThat(Http.get(server.port(), ReefHttpServer.READINESS_PATH).status()).isEqualTo(200);
  }

  @Test
  void theEventStreamSendsSnapshotsAndTheSporesAsTheyPass() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + ReefHttpServer.EVENTS_PATH))
        .timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<java.io.InputStream> response = Http.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    Spore sent = Spore.builder(SporeType.KNOWLEDGE).from("tester").to("worker").knowledge(Map.of("hello", "sse")).build();
    try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      JsonNode firstSnapshot = null;
      JsonNode seenSpore = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String event = null;
      while ((firstSnapshot == null || seenSpore == null) && System.nanoTime() < deadline) {
        String line = events.readLine();
        assertThat(line).as("the stream must stay open").isNotNull();
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          JsonNode data = JSON.readTree(line.substring(6));
          if ("snapshot".equals(event) && firstSnapshot == null) {
            firstSnapshot = data;
            reef.channel("main").send(sent).join();
          } else if ("spores".equals(event)) {
            for (JsonNode spore : data.path("spores")) {
              if (spore.path("id").asText().equals(sent.id())) {
                seenSpore = spore;
              }
            }
          }
        }
      }
      assertThat(firstSnapshot).as("a snapshot event").isNotNull();
      assertThat(firstSnapshot.path("agents").get(0).path("agent").asText()).isEqualTo("worker");
      assertThat(firstSnapshot.path("agents").get(0).path("instances").asInt()).isEqualTo(2);
      assertThat(firstSnapshot.path("health").path("status").asText()).isEqualTo("UP");
      assertThat(seenSpore).as("the sent spore in a spores event").isNotNull();
      assertThat(seenSpore.path("channel").asText()).isEqualTo("main");
      assertThat(seenSpore.path("from").asText()).isEqualTo("tester");
      assertThat(seenSpore.path("to").asText()).isEqualTo("worker");
      assertThat(seenSpore.path("trace_id").asText()).isEqualTo(sent.id().replace("-", ""));
      assertThat(seenSpore.has("knowledge")).as("knowledge is shown only when enabled").isFalse();
    }
  }

  @Test
  void servesTheDashboardAndItsDataButNothingElse() throws Exception {
    Http.Response page = Http.get(server.port(), "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("dashboard.js", "dashboard.css").doesNotContain("http://", "https://");
    assertThat(Http.get(server.port(), "/dashboard.js").contentType()).startsWith("text/javascript");
    assertThat(Http.get(server.port(), "/dashboard.css").contentType()).startsWith("text/css");
    JsonNode snapshot = JSON.readTree(Http.get(server.port(), ReefHttpServer.SNAPSHOT_PATH).body());
    assertThat(snapshot.path("channels").get(0).path("channel").asText()).isEqualTo("main");
    assertThat(snapshot.path("dead_letters").path("count").asInt()).isZero();

    assertThat(Http.get(server.port(), "/nope").status()).isEqualTo(404);
    HttpResponse<String> post = Http.client().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void refusesARegistryTheReefDoesNotRegisterIn() {
    PrometheusMeterRegistry other = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    assertThatThrownBy(() -> ReefHttpServer.start(reef, runtime, other, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Reef.builder().meterRegistry(registry)");
    try (Reef simple = Reef.builder().meterRegistry(new SimpleMeterRegistry()).build()) {
      assertThatThrownBy(() -> ReefHttpServer.start(simple, AgentRuntime.on(simple), other, 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void validatesItsArguments() throws Exception {
    assertThatThrownBy(() -> ReefHttpServer.start(null, runtime, registry, 0)).isInstanceOf(NullPointerException.class)
        .hasMessage("reef");
    assertThatThrownBy(() -> ReefHttpServer.start(reef, null, registry, 0)).isInstanceOf(NullPointerException.class)
        .hasMessage("runtime");
    assertThatThrownBy(() -> ReefHttpServer.start(reef, runtime, registry, 70_000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..65535");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> ReefHttpServer.builder(reef, runtime, registry).host("127.0.0.1")
          .port(taken.getLocalPort()).start())
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("could not serve HTTP on 127.0.0.1:" + taken.getLocalPort());
    }
    AgentRuntime closed = AgentRuntime.on(reef);
    closed.close();
    assertThatThrownBy(() -> ReefHttpServer.start(reef, closed, registry, 0))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed AgentRuntime");
  }
}
