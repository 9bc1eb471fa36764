package dev.reef.tools.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Concurrency;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.agent.AgentSpec;
import dev.reef.spore.Spore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Loading agent classes by name, and running them, on a shared in-memory broker. */
class AgentLauncherTest {
  private static final String GREETER = TestAgents.Greeter.class.getName();
  private static final String ECHO = TestAgents.EchoSupplier.class.getName();
  private static final ClassLoader LOADER = AgentLauncherTest.class.getClassLoader();

  private static Settings settings(String uri, Integer httpPort, Settings.Agent... agents) {
    return new Settings(uri, "launch", null, new HttpSettings(null, httpPort, null, null), Duration.ofSeconds(2),
        List.of(agents))
        .over(Settings.DEFAULTS);
  }

  private static String sharedBroker() {
    return "memory://launcher-" + UUID.randomUUID();
  }

  @Test
  void annotatedAndSuppliedAgentsRunWithTheirInstanceCountsAndAnswerOtherReefs() throws Exception {
    String uri = sharedBroker();
    try (AgentLauncher launcher = AgentLauncher.start(
            settings(uri, null, Settings.Agent.parse(GREETER + "=2"), Settings.Agent.of(ECHO)), LOADER);
        Reef client = Reef.builder().uri(uri).namespace("launch").build()) {
      assertThat(launcher.instances()).containsExactly(Map.entry("greeter", 2), Map.entry("echo", 1));
      assertThat(launcher.runtime().instances("greeter")).hasSize(2);
      assertThat(launcher.describeAgents()).isEqualTo("greeter x2, echo x1");
      assertThat(launcher.httpPort()).isEqualTo(-1);

      Spore greeting = client.channel("main").request("test", "greeter", Map.of("type", "hello", "name", "reef"),
          Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
      Spore echo = client.channel("main").request("test", "echo", Map.of("say", "hi"), Duration.ofSeconds(5))
          .get(5, TimeUnit.SECONDS);

      assertThat(greeting.knowledge().getString("greeting")).isEqualTo("hello, reef");
      assertThat(echo.knowledge().getString("say")).isEqualTo("hi");
    }
  }

  @Test
  void closingStopsTheAgentsAndTheReefAndCanBeRepeated() throws InterruptedException {
    AgentLauncher launcher = AgentLauncher.start(settings(sharedBroker(), null, Settings.Agent.of(GREETER)), LOADER);

    launcher.close();
    launcher.close();
    launcher.awaitStopped();

    assertThat(launcher.reef().isClosed()).isTrue();
    assertThat(launcher.runtime().isClosed()).isTrue();
  }

  @Test
  void anHttpPortServesTheMetricsOfTheAgents() throws Exception {
    try (AgentLauncher launcher = AgentLauncher.start(settings(sharedBroker(), 0, Settings.Agent.of(GREETER)), LOADER)) {
      assertThat(launcher.httpPort()).isPositive();
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.httpPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("agent=\"greeter\"");
    }
  }

  @Test
  void overridesChangeHowInstancesConsumeAndKeepTheRest() {
    AgentSpec declared = AgentClasses.load(Settings.Agent.of(GREETER), LOADER);
    AgentSpec tuned = AgentClasses.load(new Settings.Agent(GREETER, 1, Concurrency.CONCURRENT, 8, 64, 2), LOADER);

    assertThat(declared.options().concurrency()).isEqualTo(Concurrency.SEQUENTIAL);
    assertThat(declared.options().retry().maxAttempts()).isEqualTo(4);
    assertThat(tuned.options().concurrency()).isEqualTo(Concurrency.CONCURRENT);
    assertThat(tuned.options().poolSize()).isEqualTo(8);
    assertThat(tuned.options().prefetch()).isEqualTo(64);
    assertThat(tuned.options().retry()).isEqualTo(new RetryPolicy(2, RetryPolicy.DEFAULT.initialBackoff(),
        RetryPolicy.DEFAULT.multiplier(), RetryPolicy.DEFAULT.maxBackoff()));
    assertThat(tuned.options().capabilities()).containsExactly("greeting");
    assertThat(tuned.name()).isEqualTo("greeter");
    assertThat(tuned.routes()).extracting(AgentSpec.Route::description)
        .isEqualTo(declared.routes().stream().map(AgentSpec.Route::description).toList());
  }

  @Test
  void wrongAgentsAreRefusedBeforeConnecting() {
    String unreachable = "amqp://nobody:secret@127.0.0.1:1";
    assertThatThrownBy(() -> AgentLauncher.start(settings(unreachable, null), LOADER))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no agents to run");
    assertThatThrownBy(() -> AgentLauncher.start(settings(unreachable, null, Settings.Agent.of("com.example.Missing")), LOADER))
        .hasMessage("agent class com.example.Missing is not on the class path");
    assertThatThrownBy(() -> AgentLauncher.start(
            settings(unreachable, null, Settings.Agent.of(TestAgents.Plain.class.getName())), LOADER))
        .hasMessageContaining("is not an agent: annotate it with @AgentDefinition, or make it a Supplier<AgentSpec>");
    assertThatThrownBy(() -> AgentLauncher.start(
            settings(unreachable, null, Settings.Agent.of(TestAgents.WrongSupplier.class.getName())), LOADER))
        .hasMessageContaining("supplied a java.lang.String, not an AgentSpec");
    assertThatThrownBy(() -> AgentLauncher.start(settings(unreachable, null, Settings.Agent.of(GREETER),
            Settings.Agent.of(TestAgents.OtherGreeter.class.getName())), LOADER))
        .hasMessageContaining("both define the agent 'greeter'");
  }
}
