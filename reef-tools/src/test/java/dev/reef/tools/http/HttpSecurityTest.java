package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import dev.reef.tools.launch.Registries;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side is safe by default (SPEC §8): loopback only, no knowledge in the dashboard's event
 * stream unless enabled, a bearer token when set (401 without it), and no POST without the header a
 * page of another origin cannot send.
 */
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry is the one SPEC §7 names
class HttpSecurityTest {
  private static final String SECRET = "api_key-7f3e9c";

  private PrometheusMeterRegistry registry;
  private Reef reef;
  private AgentRuntime runtime;

  @BeforeEach
  void start() {
    registry = Registries.prometheus();
    reef = Reef.builder().meterRegistry(registry).drainTimeout(Duration.ofSeconds(1)).build();
    runtime = AgentRuntime.on(reef);
    runtime.register(AgentSpec.named("vault").onAny((spore, context) -> null).build());
    runtime.start("vault", 1);
  }

  @AfterEach
  void stop() {
    runtime.close();
    reef.close();
  }

  @Test
  void theServerBindsTheLoopbackInterfaceUnlessToldOtherwise() {
    try (ReefHttpServer server = ReefHttpServer.builder(reef, runtime, registry).port(0).start()) {
      assertThat(server.host()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void knowledgeIsLeftOutOfTheEventStreamUnlessEnabled() throws Exception {
    try (ReefHttpServer hidden = ReefHttpServer.builder(reef, runtime, registry).port(0).start();
        ReefHttpServer shown = ReefHttpServer.builder(reef, runtime, registry).port(0).showKnowledge(true).start()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> Http.get(hidden.port(), "/api/snapshot").body()
          .contains("\"observed\":[\"main\"]"));
      await().atMost(Duration.ofSeconds(5)).until(() -> Http.get(shown.port(), "/api/snapshot").body()
          .contains("\"observed\":[\"main\"]"));
      reef.channel("main").send("client", "vault", Map.of("api_key", SECRET)).get(5, TimeUnit.SECONDS);

      String withoutKnowledge = events(hidden.port(), "vault");
      String withKnowledge = events(shown.port(), "vault");

      assertThat(withoutKnowledge).contains("\"to\":\"vault\"").doesNotContain(SECRET).doesNotContain("api_key");
      assertThat(withKnowledge).contains(SECRET);
    }
  }

  @Test
  void withATokenEveryRequestButTheProbesNeedsIt() throws Exception {
    try (ReefHttpServer server = ReefHttpServer.builder(reef, runtime, registry).port(0).token("s3cret-t0ken")
        .start()) {
      int port = server.port();

      assertThat(send(port, "/metrics", "GET", Map.of()).statusCode()).isEqualTo(401);
      assertThat(send(port, "/metrics", "GET", Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
      assertThat(send(port, "/events", "GET", Map.of()).statusCode()).isEqualTo(401);
      assertThat(send(port, "/", "GET", Map.of()).headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          value -> assertThat(value).startsWith("Bearer"));
      HttpResponse<String> metrics = send(port, "/metrics", "GET", Map.of("Authorization", "Bearer s3cret-t0ken"));
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
          "process_cpu_usage", "jvm_gc_");
      assertThat(send(port, "/health/ready", "GET", Map.of()).statusCode()).as("probes need no token").isEqualTo(200);
      assertThat(send(port, "/health/live", "GET", Map.of()).statusCode()).isEqualTo(200);
      // A browser shows the token once and gets a cookie for the page's own requests.
      HttpResponse<String> page = send(port, "/?token=s3cret-t0ken", "GET", Map.of());
      assertThat(page.statusCode()).isEqualTo(200);
      String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
      assertThat(send(port, "/api/snapshot", "GET", Map.of("Cookie", cookie.split(";")[0])).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aPostWithoutTheActionHeaderIsRefused() throws Exception {
    try (ReefHttpServer server = ReefHttpServer.builder(reef, runtime, registry).port(0).start()) {
      HttpResponse<String> forged = send(server.port(), "/api/dead-letters/purge", "POST", Map.of());
      HttpResponse<String> fromThePage = send(server.port(), "/api/dead-letters/purge", "POST",
          Map.of("X-Reef-Action", "1"));

      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(fromThePage.statusCode()).isEqualTo(200);
      assertThat(fromThePage.body()).isEqualTo("{\"purged\":0}");
    }
  }

  /** The event stream's text until a spore event mentions {@code agent} (at most 10 s). */
  private static String events(int port, String agent) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
        .timeout(Duration.ofSeconds(10)).build();
    HttpResponse<InputStream> response = Http.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder text = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
        text.append(line).append('\n');
        if (line.startsWith("data: {\"spores\"") && line.contains("\"to\":\"" + agent + "\"")) {
          break;
        }
      }
    }
    return text.toString();
  }

  private static HttpResponse<String> send(int port, String path, String method, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return Http.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
