package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 5: the dashboard, in headless Chromium, shows the agents and counts that rise while
 * spores flow, updating in place (one page load, no reload); screenshots land in {@code target/}.
 */
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry is the one SPEC §7 names
class DashboardBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Reads what the page shows, as a person would: the text of its elements (null while it loads). */
  private static final String READ_PAGE = """
      (() => {
        const text = (id) => { const element = document.getElementById(id); return element ? element.textContent : null; };
        return JSON.stringify({
          loadId: window.__reefLoadId || null,
          live: text('live'),
          health: text('health'),
          agentsOnline: text('stat-agents'),
          sent: text('stat-sent'),
          handled: text('stat-handled'),
          deadLetters: text('dead-count'),
          agents: [...document.querySelectorAll('#agents tr')].map(row => ({
            name: row.dataset.agent, instances: row.children[1].textContent, online: row.dataset.online })),
          channels: [...document.querySelectorAll('#channels tr')].map(row => ({
            name: row.dataset.channel, handled: row.children[3].textContent })),
          spores: [...document.querySelectorAll('#stream li')].map(item => item.dataset.sporeId),
        });
      })()""";

  private PrometheusMeterRegistry registry;
  private Reef reef;
  private AgentRuntime runtime;
  private ReefHttpServer server;
  private ScheduledExecutorService traffic;
  private final AtomicReference<Throwable> trafficFailure = new AtomicReference<>();

  @BeforeEach
  void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    reef = Reef.builder().meterRegistry(registry).drainTimeout(Duration.ofSeconds(2)).build();
    runtime = AgentRuntime.on(reef);
    runtime.register(AgentSpec.named("worker")
        .options(SubscriptionOptions.builder().concurrent(2).build())
        .onAny((spore, context) -> {
          Thread.sleep(3);
          return null;
        })
        .build());
    runtime.register(AgentSpec.named("calculator")
        .channels("math")
        .options(SubscriptionOptions.builder().capabilities("arithmetic").build())
        .respondsTo("add", (spore, context) ->
            Map.of("sum", spore.knowledge().get("a").asInt() + spore.knowledge().get("b").asInt()))
        .build());
    runtime.register(AgentSpec.named("auditor")
        .channels("main", "math")
        .options(SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build())
        .onAny((spore, context) -> {
          if (spore.knowledge() != null && spore.knowledge().has("poison")) {
            throw new IllegalArgumentException("cannot audit a poisoned spore");
          }
          return null;
        })
        .build());
    runtime.start("worker", 3);
    runtime.start("calculator", 1);
    runtime.start("auditor", 1);
    server = ReefHttpServer.builder(reef, runtime, registry).host("127.0.0.1").port(0).start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (traffic != null) {
      traffic.shutdownNow();
      traffic.awaitTermination(5, TimeUnit.SECONDS);
    }
    server.close();
    runtime.close();
    reef.close();
  }

  @Test
  void showsTheAgentsAndCountsRisingWhileSporesFlow() throws Exception {
    startTraffic();
    Path screenshots = Path.of("target", "dashboard");
    Files.createDirectories(screenshots);

    try (HeadlessChromium browser = HeadlessChromium.open("http://127.0.0.1:" + server.port() + "/", 1440, 1000)) {
      AtomicReference<JsonNode> first = new AtomicReference<>();
      await("the first live view").atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        JsonNode page = read(browser);
        assertThat(page.path("live").asText()).isEqualTo("live");
        assertThat(number(page, "handled")).isPositive();
        assertThat(page.path("spores")).isNotEmpty();
        assertThat(page.path("agents")).hasSize(3);
        first.set(page);
      });
      browser.screenshot(screenshots.resolve("dashboard-1.png"));

      AtomicReference<JsonNode> second = new AtomicReference<>();
      await("counts rising").atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        JsonNode page = read(browser);
        assertThat(number(page, "handled")).isGreaterThan(number(first.get(), "handled") + 20);
        assertThat(number(page, "sent")).isGreaterThan(number(first.get(), "sent") + 20);
        assertThat(page.path("deadLetters").asText()).isEqualTo("1");
        second.set(page);
      });
      browser.screenshot(screenshots.resolve("dashboard-2.png"));

      JsonNode before = first.get();
      JsonNode after = second.get();
      assertThat(after.path("loadId").asText()).as("the page updated in place, never reloaded")
          .isEqualTo(before.path("loadId").asText());
      assertThat(agents(after)).containsEntry("worker", "3").containsEntry("calculator", "1").containsEntry("auditor", "1");
      assertThat(after.path("agentsOnline").asText()).isEqualTo("3");
      assertThat(after.path("health").asText()).isEqualTo("ready");
      Map<String, Long> channelsBefore = channels(before);
      Map<String, Long> channelsAfter = channels(after);
      assertThat(channelsAfter.keySet()).containsExactlyInAnyOrder("main", "math");
      assertThat(channelsAfter.get("main")).isGreaterThan(channelsBefore.get("main"));
      assertThat(channelsAfter.get("math")).isGreaterThan(channelsBefore.get("math"));
      assertThat(after.path("spores").get(0).asText()).as("the newest spore on top has changed")
          .isNotEqualTo(before.path("spores").get(0).asText());
      // What the page shows never runs ahead of what the process counted.
      assertThat(number(after, "handled")).isLessThanOrEqualTo(reef.stats().handled());
      assertThat(trafficFailure.get()).as("sending traffic").isNull();
    }
    assertThat(screenshots.resolve("dashboard-2.png")).isNotEmptyFile();
  }

  /** Spores every few milliseconds: work for the workers, sums for the calculator, one poisoned spore. */
  private void startTraffic() {
    Channel main = reef.channel("main");
    Channel math = reef.channel("math");
    AtomicInteger tick = new AtomicInteger();
    main.send("orchestrator", "auditor", Map.of("poison", true));
    traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleAtFixedRate(() -> {
      try {
        int n = tick.incrementAndGet();
        main.send("orchestrator", "worker", Map.of("type", "job", "n", n));
        math.request("orchestrator", "calculator", Map.of("type", "add", "a", n, "b", 1), Duration.ofSeconds(5));
        if (n % 10 == 0) {
          main.broadcast("orchestrator", Map.of("type", "progress", "done", n));
        }
      } catch (RuntimeException e) {
        trafficFailure.compareAndSet(null, e);
      }
    }, 0, 20, TimeUnit.MILLISECONDS);
  }

  private static JsonNode read(HeadlessChromium browser) throws Exception {
    return JSON.readTree(browser.evaluate(READ_PAGE).asText());
  }

  private static long number(JsonNode page, String field) {
    String text = page.path(field).asText().replace(",", "");
    return text.matches("[0-9]+") ? Long.parseLong(text) : -1;
  }

  private static Map<String, String> agents(JsonNode page) {
    Map<String, String> agents = new HashMap<>();
    page.path("agents").forEach(agent -> agents.put(agent.path("name").asText(), agent.path("instances").asText()));
    return agents;
  }

  private static Map<String, Long> channels(JsonNode page) {
    Map<String, Long> channels = new HashMap<>();
    page.path("channels").forEach(channel ->
        channels.put(channel.path("name").asText(), Long.parseLong(channel.path("handled").asText().replace(",", ""))));
    return channels;
  }
}
