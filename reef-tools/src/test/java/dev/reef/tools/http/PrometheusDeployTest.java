package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.SubscriptionOptions;
import dev.reef.RetryPolicy;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import dev.reef.tools.launch.Registries;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring for real (issue 15, acceptance 7): {@code promtool} accepts {@code deploy/prometheus}'s
 * config and rules; a real Prometheus (Debian's package; {@code bin/ensure-prometheus} installs it)
 * scrapes an agent JVM (this one: a Reef with agents, traffic and its HTTP server, as {@code reef run}
 * sets it up) with the job of {@code deploy/prometheus/prometheus.yml}, only its discovery swapped for
 * this server's address; and every query of every panel of {@code deploy/grafana}'s dashboard returns
 * at least one series. The rules load too (Prometheus refuses to start on a bad rule file).
 */
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry is the one SPEC §7 names
class PrometheusDeployTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private final List<AutoCloseable> closing = new ArrayList<>();
  private Process prometheus;

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
      prometheus.destroyForcibly();
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void promtoolAcceptsTheConfigAndTheRules() throws Exception {
    Path deploy = deploy();
    assertThat(run(binary("promtool"), "check", "config", deploy.resolve("prometheus/prometheus.yml").toString()))
        .contains("SUCCESS");
    assertThat(run(binary("promtool"), "check", "rules", deploy.resolve("prometheus/rules.yml").toString()))
        .contains("SUCCESS");
  }

  @Test
  void everyGrafanaQueryReturnsASeriesFromARealPrometheusScrapingAnAgentJvm(@TempDir Path dir) throws Exception {
    int agentPort = startAgentJvm();
    int prometheusPort = freePort();
    Path config = scrapeConfig(dir, agentPort);
    prometheus = new ProcessBuilder(binary("prometheus").toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort,
        "--log.level=warn").redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    await("Prometheus ready").atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
        .until(() -> status(prometheusPort, "/-/ready") == 200);

    Map<String, String> queries = grafanaQueries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
    Map<String, JsonNode> answers = new LinkedHashMap<>();
    // rate() and increase() need two scrapes in their window: at most a few seconds at 1 s.
    await("every panel's query answered").atMost(40, TimeUnit.SECONDS).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> {
          for (Map.Entry<String, String> query : queries.entrySet()) {
            if (!answers.containsKey(query.getKey())) {
              JsonNode result = query(prometheusPort, query.getValue());
              if (!result.isEmpty()) {
                answers.put(query.getKey(), result);
              }
            }
          }
          List<String> empty = queries.keySet().stream().filter(key -> !answers.containsKey(key)).toList();
          assertThat(empty).as("panels whose query returns no series yet (log: %s)", dir.resolve("prometheus.log"))
              .isEmpty();
        });
    assertThat(answers.get("Agent processes up / A").get(0).path("value").get(1).asText()).isEqualTo("1");
  }

  /** This JVM as an agent JVM: agents, traffic that moves every meter the dashboard shows, HTTP on a free port. */
  private int startAgentJvm() {
    PrometheusMeterRegistry registry = Registries.prometheus();
    Reef reef = Reef.builder().meterRegistry(registry).drainTimeout(Duration.ofSeconds(1))
        // An intruder is refused: the refused-actions panel has something to show.
        .authorizer(request -> "intruder".equals(request.agent()) ? "not on the list" : null)
        .build();
    closing.add(reef);
    AgentRuntime runtime = AgentRuntime.on(reef);
    closing.add(runtime);
    runtime.register(AgentSpec.named("worker").onAny((spore, context) -> {
      Thread.sleep(2);
      return spore.type() == SporeType.REQUEST ? Map.of("done", true) : null;
    }).build());
    runtime.register(AgentSpec.named("flaky")
        .options(SubscriptionOptions.builder().retry(new RetryPolicy(2, Duration.ofMillis(10), 1.0,
            Duration.ofMillis(10))).build())
        .onAny((spore, context) -> {
          throw new IllegalStateException("flaky today");
        }).build());
    runtime.register(AgentSpec.named("slow").onAny((spore, context) -> {
      Thread.sleep(150);
      return spore.type() == SporeType.REQUEST ? Map.of("late", true) : null;
    }).build());
    // Starts each request at once and answers after its requester gave up: a late reply.
    runtime.register(AgentSpec.named("laggard").options(SubscriptionOptions.builder().concurrent(4).build())
        .onAny((spore, context) -> {
          Thread.sleep(120);
          return Map.of("late", true);
        }).build());
    runtime.start("worker", 2);
    runtime.start("laggard", 1);
    runtime.start("flaky", 1);
    runtime.start("slow", 1);
    ReefHttpServer server = ReefHttpServer.builder(reef, runtime, registry).port(0).start();
    closing.add(server);

    Channel main = reef.channel("main");
    AtomicInteger tick = new AtomicInteger();
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    closing.add(traffic::shutdownNow);
    traffic.scheduleAtFixedRate(() -> {
      int n = tick.incrementAndGet();
      ignore(() -> main.request("client", "worker", Map.of("n", n), Duration.ofSeconds(5)));
      ignore(() -> main.send("client", "worker", Map.of("n", n)));
      if (n % 5 == 0) {
        Spore twice = Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(Map.of("n", n)).build();
        ignore(() -> main.send(twice).thenCompose(sent -> main.send(twice))); // the second is a duplicate
        ignore(() -> main.send("client", "flaky", Map.of("n", n)));
        ignore(() -> main.send(Spore.builder(SporeType.KNOWLEDGE).from("client").to("slow")
            .knowledge(Map.of("n", n)).expiresIn(Duration.ofMillis(20)).build())); // expires behind the others
        ignore(() -> main.request("client", "laggard", Map.of("n", n), Duration.ofMillis(60))); // answered too late
        ignore(() -> main.send("client", "nobody", Map.of("n", n))); // an unknown destination: a failed send
        ignore(() -> main.send("intruder", "worker", Map.of("n", n))); // refused by the authorizer
        ignore(() -> main.broadcast("client", Map.of("n", n)));
      }
      if (n == 50) {
        System.gc(); // a GC pause to show, whatever the heap does
      }
    }, 0, 20, TimeUnit.MILLISECONDS);
    return server.port();
  }

  private static void ignore(java.util.concurrent.Callable<?> action) {
    try {
      Object result = action.call();
      if (result instanceof java.util.concurrent.CompletableFuture<?> future) {
        future.exceptionally(error -> null);
      }
    } catch (Exception e) {
      // refused at once (the intruder): counted by the Reef, which is the point
    }
  }

  /** deploy/prometheus/prometheus.yml with its job as it is, but scraping this JVM every second. */
  private static Path scrapeConfig(Path dir, int agentPort) throws IOException {
    Path deploy = deploy();
    ObjectNode config = (ObjectNode) YAML.readTree(deploy.resolve("prometheus/prometheus.yml").toFile());
    ((ObjectNode) config.path("global")).put("scrape_interval", "1s").put("evaluation_interval", "1s");
    ArrayNode rules = config.putArray("rule_files");
    rules.add(deploy.resolve("prometheus/rules.yml").toAbsolutePath().toString());
    ObjectNode job = (ObjectNode) config.path("scrape_configs").get(0);
    assertThat(job.path("job_name").asText()).isEqualTo("reef-agents");
    assertThat(job.has("dns_sd_configs")).as("the deploy job discovers the agents by DNS").isTrue();
    job.remove("dns_sd_configs");
    job.putArray("static_configs").addObject().putArray("targets").add("127.0.0.1:" + agentPort);
    Path file = dir.resolve("prometheus.yml");
    YAML.writeValue(file.toFile(), config);
    return file;
  }

  /** "Panel title / refId" to the PromQL of every target of every panel of the Grafana dashboard. */
  private static Map<String, String> grafanaQueries() throws IOException {
    JsonNode dashboard = JSON.readTree(deploy().resolve("grafana/dashboards/reef.json").toFile());
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
      }
    }
    return queries;
  }

  private static JsonNode query(int port, String promql) throws Exception {
    HttpResponse<String> response = Http.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asText()).as("%s: %s", promql, response.body()).isEqualTo("success");
    return body.path("data").path("result");
  }

  private static int status(int port, String path) {
    try {
      return Http.get(port, path).status();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** The binary {@code name}: REEF_PROMETHEUS / REEF_PROMTOOL, else on the PATH; fails with how to install it. */
  private static Path binary(String name) {
    String configured = System.getenv(name.equals("prometheus") ? "REEF_PROMETHEUS" : "REEF_PROMTOOL");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured.trim());
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(name + " is not on the PATH: bin/ensure-prometheus installs Debian's package "
        + "prometheus (apt-get install --no-install-recommends prometheus), or set REEF_PROMETHEUS and REEF_PROMTOOL");
  }

  private static String run(Path binary, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    return output;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Path deploy() {
    Path directory = Path.of("").toAbsolutePath();
    while (directory != null && !Files.isRegularFile(directory.resolve("deploy/prometheus/prometheus.yml"))) {
      directory = directory.getParent();
    }
    assertThat(directory).as("a parent folder holding deploy/prometheus/prometheus.yml").isNotNull();
    return directory.resolve("deploy");
  }
}
