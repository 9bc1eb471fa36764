package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import dev.reef.tools.launch.Registries;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in headless Chromium: agents with their processes and backlog, counts that rise while
 * spores flow (updating in place: one page load, no reload), latency percentiles, scope labels, one
 * time format, and a dead letter opened to its spore and error, then replayed from the page through
 * the Reef's DeadLetters (the Authorizer sees it). Screenshots land in {@code target/dashboard/}.
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
          errors: window.__reefErrors || [],
          live: text('live'),
          health: text('health'),
          agentsOnline: text('stat-agents'),
          sent: text('stat-sent'),
          handled: text('stat-handled'),
          deadLetters: text('dead-count'),
          namespace: text('namespace'),
          process: text('process'),
          updated: text('updated'),
          backlogTotal: text('stat-backlog'),
          scopes: [...document.querySelectorAll('.card')].map(card => card.querySelector('.scope').textContent + ': '
            + card.querySelector('.label').textContent),
          agents: [...document.querySelectorAll('#agents tr')].map(row => ({
            name: row.dataset.agent, instances: row.children[1].textContent, online: row.dataset.online,
            processes: row.children[2].textContent, backlog: row.children[3].textContent,
            heartbeat: row.children[6].textContent })),
          latency: [...document.querySelectorAll('#latency tr')].map(row => ({ timer: row.dataset.timer,
            p50: row.querySelector('.p50').textContent, p95: row.querySelector('.p95').textContent,
            p99: row.querySelector('.p99').textContent })),
          deadLetterIds: [...document.querySelectorAll('#dead-letters li')].map(item => item.dataset.deadLetter),
          // null until the page has loaded: the first reads may come before the document is parsed
          detail: (document.getElementById('dead-detail') || { hidden: true }).hidden ? null : {
            id: text('detail-id'), agent: text('detail-agent'), error: text('detail-error'),
            spore: text('detail-spore'), at: text('detail-at'), result: text('detail-result') },
          channels: [...document.querySelectorAll('#channels tr')].map(row => ({
            name: row.dataset.channel, handled: row.children[3].textContent })),
          spores: [...document.querySelectorAll('#stream li')].map(item => item.dataset.sporeId),
        });
      })()""";

  /** The auditor fails on poisoned spores until this is set: the bug fixed, the dead letter can be replayed. */
  private static final AtomicBoolean POISON_CURED = new AtomicBoolean();

  private PrometheusMeterRegistry registry;
  private Reef reef;
  private AgentRuntime runtime;
  private ReefHttpServer server;
  private ScheduledExecutorService traffic;
  private final AtomicReference<Throwable> trafficFailure = new AtomicReference<>();
  private final AtomicInteger replayChecks = new AtomicInteger();

  @BeforeEach
  void start() {
    POISON_CURED.set(false);
    registry = Registries.prometheus();
    reef = Reef.builder().meterRegistry(registry).drainTimeout(Duration.ofSeconds(2))
        .authorizer(request -> {
          if (request.action() == Action.DEAD_LETTER_REPLAY) {
            replayChecks.incrementAndGet();
          }
          return null;
        })
        .build();
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
          if (spore.knowledge() != null && spore.knowledge().has("poison") && !POISON_CURED.get()) {
            throw new IllegalArgumentException("cannot audit a poisoned spore");
          }
          return null;
        })
        .build());
    // Slower than the traffic it gets: spores wait in its queue, the backlog the page shows.
    runtime.register(AgentSpec.named("archiver")
        .options(SubscriptionOptions.builder().prefetch(1).build())
        .onAny((spore, context) -> {
          Thread.sleep(100);
          return null;
        })
        .build());
    runtime.start("worker", 3);
    runtime.start("archiver", 1);
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
  void showsAgentsBacklogPercentilesAndOpensAndReplaysADeadLetter() throws Exception {
    startTraffic();
    Path screenshots = Path.of("target", "dashboard");
    Files.createDirectories(screenshots);

    try (HeadlessChromium browser = HeadlessChromium.open("http://127.0.0.1:" + server.port() + "/", 1440, 1700)) {
      AtomicReference<JsonNode> first = new AtomicReference<>();
      await("the first live view").atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        JsonNode page = read(browser);
        assertThat(page.path("errors")).as("script errors").isEmpty();
        assertThat(page.path("live").asText()).isEqualTo("live");
        assertThat(number(page, "handled")).isPositive();
        assertThat(page.path("spores")).isNotEmpty();
        assertThat(page.path("agents")).hasSize(4);
        first.set(page);
      });
      browser.screenshot(screenshots.resolve("dashboard-1.png"));

      AtomicReference<JsonNode> second = new AtomicReference<>();
      await("counts, backlog and percentiles").atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> {
            JsonNode page = read(browser);
            assertThat(number(page, "handled")).isGreaterThan(number(first.get(), "handled") + 20);
            assertThat(number(page, "sent")).isGreaterThan(number(first.get(), "sent") + 20);
            assertThat(page.path("deadLetters").asText()).isEqualTo("1");
            assertThat(agentField(page, "archiver", "backlog")).as("the archiver's queue fills").matches("[1-9][0-9,]*");
            assertThat(latency(page, "handler/worker/main/knowledge")).isNotNull();
            second.set(page);
          });
      browser.screenshot(screenshots.resolve("dashboard-2.png"));

      JsonNode before = first.get();
      JsonNode after = second.get();
      assertThat(after.path("loadId").asText()).as("the page updated in place, never reloaded")
          .isEqualTo(before.path("loadId").asText());
      assertThat(agents(after)).containsEntry("worker", "3").containsEntry("calculator", "1").containsEntry("auditor", "1")
          .containsEntry("archiver", "1");
      assertThat(after.path("agentsOnline").asText()).isEqualTo("4");
      assertThat(after.path("health").asText()).isEqualTo("ready");
      assertThat(after.path("namespace").asText()).isEqualTo("reef");
      assertThat(after.path("process").asText()).endsWith(":" + ProcessHandle.current().pid());
      assertThat(agentField(after, "worker", "processes")).endsWith(":" + ProcessHandle.current().pid());
      // Each figure says whose it is.
      assertThat(after.path("scopes").toString()).contains("namespace: Agents online", "namespace: Backlog",
          "namespace: Dead letters", "this process: Spores sent", "this process: Handled", "this process: In flight");
      // One time format: ISO-8601 in UTC.
      assertThat(after.path("updated").asText()).matches("updated \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(agentField(after, "worker", "heartbeat")).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{12}Z");
      JsonNode workerLatency = latency(after, "handler/worker/main/knowledge");
      double p50 = Double.parseDouble(workerLatency.path("p50").asText());
      double p99 = Double.parseDouble(workerLatency.path("p99").asText());
      assertThat(p50).as("the worker sleeps 3 ms a spore").isGreaterThanOrEqualTo(2.0);
      assertThat(p99).isGreaterThanOrEqualTo(p50);
      Map<String, Long> channelsBefore = channels(before);
      Map<String, Long> channelsAfter = channels(after);
      assertThat(channelsAfter.keySet()).containsExactlyInAnyOrder("main", "math");
      assertThat(channelsAfter.get("main")).isGreaterThan(channelsBefore.get("main"));
      assertThat(after.path("spores").get(0).asText()).as("the newest spore on top has changed")
          .isNotEqualTo(before.path("spores").get(0).asText());
      assertThat(number(after, "handled")).isLessThanOrEqualTo(reef.stats().handled());

      // A dead letter opens to its spore and its error ...
      String deadLetter = after.path("deadLetterIds").get(0).asText();
      browser.evaluate("document.querySelector('#dead-letters li').click()");
      AtomicReference<JsonNode> opened = new AtomicReference<>();
      await("the dead letter opened").atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
        JsonNode detail = read(browser).path("detail");
        assertThat(detail.path("id").asText()).isEqualTo(deadLetter);
        opened.set(detail);
      });
      assertThat(opened.get().path("agent").asText()).isEqualTo("auditor");
      assertThat(opened.get().path("error").asText()).contains("cannot audit a poisoned spore");
      assertThat(opened.get().path("spore").asText()).contains("\"id\": \"" + deadLetter + "\"", "\"from_agent\": \"orchestrator\"")
          .as("knowledge is not shown unless enabled").doesNotContain("poison");
      assertThat(opened.get().path("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{12}Z");
      browser.screenshot(screenshots.resolve("dashboard-3-dead-letter.png"));

      // ... and is replayed from the page, once the auditor is fixed.
      POISON_CURED.set(true);
      browser.evaluate("document.getElementById('detail-replay').click()");
      await("replayed").atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
          assertThat(read(browser).path("detail").path("result").asText()).startsWith("Replayed " + deadLetter));
      await("the dead letter handled and gone").atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
        assertThat(read(browser).path("deadLetters").asText()).isEqualTo("0");
        assertThat(reef.deadLetters().list()).isEmpty();
      });
      assertThat(replayChecks.get()).as("the Authorizer saw the replay").isPositive();
      browser.screenshot(screenshots.resolve("dashboard-4-replayed.png"));
      assertThat(trafficFailure.get()).as("sending traffic").isNull();
    }
    assertThat(screenshots.resolve("dashboard-4-replayed.png")).isNotEmptyFile();
  }

  private static String agentField(JsonNode page, String agent, String field) {
    for (JsonNode row : page.path("agents")) {
      if (row.path("name").asText().equals(agent)) {
        return row.path(field).asText();
      }
    }
    return null;
  }

  private static JsonNode latency(JsonNode page, String timer) {
    for (JsonNode row : page.path("latency")) {
      if (row.path("timer").asText().equals(timer)) {
        return row;
      }
    }
    return null;
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
        main.send("orchestrator", "archiver", Map.of("type", "record", "n", n));
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
