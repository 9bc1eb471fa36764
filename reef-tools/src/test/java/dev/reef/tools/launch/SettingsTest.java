package dev.reef.tools.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Concurrency;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags over environment over config file over defaults (SPEC §6), and clear errors naming the source. */
class SettingsTest {
  private static final String WORKER = "com.example.Worker";
  private static final String CALCULATOR = "com.example.Calculator";

  @TempDir
  Path dir;

  private Path config(String json) throws IOException {
    return Files.writeString(dir.resolve("reef.json"), json);
  }

  @Test
  void aYamlConfigFileSaysWhatItsJsonTwinSays(@TempDir Path dir) throws IOException {
    Path yaml = Files.writeString(dir.resolve("reef.yaml"), """
        # the same settings as reef.json, in YAML
        uri: amqp://reef:secret@rabbit:5672/prod
        namespace: prod
        http_port: 8080
        http_host: 0.0.0.0
        http_show_knowledge: true
        drain_timeout: 20s
        agents:
          - com.example.Calculator
          - class: com.example.Worker
            instances: 2
            concurrency: concurrent
        """);
    Path json = Files.writeString(dir.resolve("reef.json"), """
        {"uri": "amqp://reef:secret@rabbit:5672/prod", "namespace": "prod", "http_port": 8080,
         "http_host": "0.0.0.0", "http_show_knowledge": true, "drain_timeout": "20s",
         "agents": ["com.example.Calculator", {"class": "com.example.Worker", "instances": 2,
                    "concurrency": "concurrent"}]}
        """);

    Settings fromYaml = Settings.resolve(Settings.NONE, yaml, Map.of());

    assertThat(fromYaml).isEqualTo(Settings.resolve(Settings.NONE, json, Map.of()));
    assertThat(fromYaml.http()).isEqualTo(new HttpSettings("0.0.0.0", 8080, null, true));
    assertThat(fromYaml.agents().get(1).instanceCount()).isEqualTo(2);
    Path bad = Files.writeString(dir.resolve("bad.yml"), "uri: [unclosed\n");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, bad, Map.of())).hasMessageContaining("bad.yml")
        .hasMessageContaining("not valid YAML");
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "namespce: prod\n");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, typo, Map.of())).hasMessageContaining("unknown key \"namespce\"");
  }

  @Test
  void withNothingSetTheDefaultsApply() {
    Settings settings = Settings.resolve(Settings.NONE, null, Map.of());

    assertThat(settings.uri()).isEqualTo("amqp://localhost:5672");
    assertThat(settings.namespace()).isEqualTo("reef");
    assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.http().port()).isNull();
    assertThat(settings.http().host()).as("loopback unless told otherwise").isEqualTo("127.0.0.1");
    assertThat(settings.http().knowledgeShown()).isFalse();
    assertThat(settings.http().token()).isNull();
    assertThat(settings.heartbeat()).isNull();
    assertThat(settings.agents()).isEmpty();
  }

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverTheConfigFile() throws IOException {
    Path file = config("""
        {"uri": "amqp://file:5672", "namespace": "from-file", "http_port": 7000, "presence_heartbeat": "3s",
         "drain_timeout": 30000}
        """);
    Map<String, String> environment = Map.of(
        "REEF_AMQP_URI", "amqp://env:5672",
        "REEF_NAMESPACE", "from-env",
        "REEF_HTTP_PORT", "8000");
    Settings flags = new Settings("amqp://flag:5672", null, null, null, null, List.of());

    Settings settings = Settings.resolve(flags, file, environment);

    assertThat(settings.uri()).isEqualTo("amqp://flag:5672");
    assertThat(settings.namespace()).isEqualTo("from-env");
    assertThat(settings.http().port()).isEqualTo(8000);
    assertThat(settings.heartbeat()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theConfigFileCanBeNamedByTheEnvironmentAndAFlagNamesAnother() throws IOException {
    Path fromEnvironment = config("{\"namespace\": \"env-file\"}");
    Path fromFlag = Files.writeString(dir.resolve("other.json"), "{\"namespace\": \"flag-file\"}");

    assertThat(Settings.resolve(Settings.NONE, null, Map.of("REEF_CONFIG", fromEnvironment.toString())).namespace())
        .isEqualTo("env-file");
    assertThat(Settings.resolve(Settings.NONE, fromFlag, Map.of("REEF_CONFIG", fromEnvironment.toString())).namespace())
        .isEqualTo("flag-file");
  }

  @Test
  void agentsOfTheSameClassAreMergedFieldByFieldTheHigherSourceWinning() throws IOException {
    Path file = config("""
        {"agents": ["%s",
                    {"class": "%s", "instances": 1, "concurrency": "concurrent", "pool_size": 8, "prefetch": 32}]}
        """.formatted(CALCULATOR, WORKER));
    Settings flags = new Settings(null, null, null, null, null, List.of(Settings.Agent.parse(WORKER + "=3")));

    Settings settings = Settings.resolve(flags, file, Map.of("REEF_AGENTS", "com.example.Extra=2, " + WORKER + "=2"));

    assertThat(settings.agents()).containsExactly(
        Settings.Agent.of(CALCULATOR),
        new Settings.Agent(WORKER, 3, Concurrency.CONCURRENT, 8, 32, null),
        new Settings.Agent("com.example.Extra", 2, null, null, null, null));
  }

  @Test
  void aBadEnvironmentVariableIsNamed() {
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("REEF_HTTP_PORT", "eighty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("environment variable REEF_HTTP_PORT: expected a port number 0..65535, got 'eighty'");
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("REEF_PRESENCE_HEARTBEAT", "10ms")))
        .hasMessageStartingWith("environment variable REEF_PRESENCE_HEARTBEAT: the heartbeat must be at least");
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("REEF_NAMESPACE", "no.dots")))
        .hasMessageStartingWith("environment variable REEF_NAMESPACE:");
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("REEF_AGENTS", "a.B, a.B=2")))
        .hasMessage("environment variable REEF_AGENTS: agent class a.B is listed twice");
  }

  @Test
  void aBadConfigFileIsNamedWithWhatIsWrong() throws IOException {
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, config("{\"uri\": "), Map.of()))
        .hasMessageStartingWith("config file " + dir.resolve("reef.json") + ": not valid JSON at line 1");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, config("{\"url\": \"amqp://x\"}"), Map.of()))
        .hasMessageContaining("unknown key \"url\"").hasMessageContaining("uri");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, config("{\"agents\": [{\"instances\": 2}]}"), Map.of()))
        .hasMessageContaining("an agent object needs \"class\"");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, config("{\"agents\": [{\"class\": \"a.B\", \"threads\": 2}]}"),
        Map.of())).hasMessageContaining("unknown key \"threads\" of an agent");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, config("{\"http_port\": \"80\"}"), Map.of()))
        .hasMessageContaining("\"http_port\" must be an integer");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, config("[]"), Map.of()))
        .hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, dir.resolve("missing.json"), Map.of()))
        .hasMessage("config file " + dir.resolve("missing.json") + " does not exist");
  }

  @Test
  void invalidValuesAreRefusedWhateverTheirSource() {
    assertThatThrownBy(() -> new Settings(null, null, null, new HttpSettings(null, 70_000, null, null), null, List.of()))
        .hasMessageContaining("HTTP port must be 0..65535");
    assertThatThrownBy(() -> new Settings(" ", null, null, null, null, List.of())).hasMessageContaining("blank");
    assertThatThrownBy(() -> Settings.resolve(Settings.NONE, null, Map.of("REEF_HTTP_SHOW_KNOWLEDGE", "maybe")))
        .hasMessageContaining("REEF_HTTP_SHOW_KNOWLEDGE");
    assertThat(new HttpSettings(null, 8080, "s3cret-token", true).toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> Settings.Agent.parse("com.example.Worker=many")).hasMessageContaining("'many' is not a number");
    assertThatThrownBy(() -> Settings.Agent.parse("com.example.Worker=0")).hasMessageContaining("instances of");
    assertThatThrownBy(() -> Settings.Agent.parse("not a class")).hasMessageContaining("is not a Java class name");
  }

  @Test
  void theUriPasswordNeverShowsInToString() {
    Settings settings = new Settings("amqp://reef:s3cret@rabbit:5672/prod", null, null, null, null, List.of());

    assertThat(settings.toString()).contains("amqp://reef:***@rabbit:5672/prod").doesNotContain("s3cret");
    assertThat(settings.maskedUri()).isEqualTo("amqp://reef:***@rabbit:5672/prod");
  }
}
