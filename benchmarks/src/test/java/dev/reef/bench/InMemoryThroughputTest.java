package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the scenario at smoke size: it must finish and report; the figures themselves are not judged. */
class InMemoryThroughputTest {

  @Test
  void smokeRunEndsWithAResultLineOfPositiveRates() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Params smoke = Params.of(new String[] {"--smoke=true"}, Map.of());

    Result result = InMemoryThroughput.run(smoke, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    ResultLines.assertWellFormed(lines, InMemoryThroughput.SCENARIO, "msgs/s", result);
    assertThat(lines).filteredOn(line -> line.startsWith("round "))
        .hasSize(Settings.SMOKE.warmupRounds() + Settings.SMOKE.rounds());
  }

  @Test
  void settingsComeFromArgumentsThenSystemPropertiesThenDefaults() {
    Settings settings = Settings.from(Params.of(new String[] {"--messages=5_000"},
        Map.of("bench.messages", "7", "bench.rounds", "9", "user.home", "/ignored")));
    assertThat(settings.messages()).isEqualTo(5_000);
    assertThat(settings.rounds()).isEqualTo(9);
    assertThat(settings.window()).isEqualTo(Settings.DEFAULT.window());
    assertThat(Settings.from(Params.of(new String[0], Map.of("bench.smoke", "true")))).isEqualTo(Settings.SMOKE);
  }

  @Test
  void badSettingsAreNamed() {
    Params misspelt = Params.of(new String[] {"--mesages=5"}, Map.of());
    Settings.from(misspelt);
    assertThatThrownBy(misspelt::requireAllUsed)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter(s) [mesages]");
    assertThatThrownBy(() -> Settings.from(Params.of(new String[] {"--rounds=two"}, Map.of())))
        .hasMessage("rounds must be an integer, got 'two'");
    assertThatThrownBy(() -> Settings.from(Params.of(new String[] {"--window=0"}, Map.of())))
        .hasMessage("window must be at least 1, got 0");
    assertThatThrownBy(() -> Params.of(new String[] {"messages=5"}, Map.of()))
        .hasMessage("expected --name=value, got 'messages=5'");
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Rates.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(Rates.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
  }

  @Test
  void thePayloadIsExactlyOneKilobyte() {
    assertThat(Payload.knowledge().byteSize()).isEqualTo(1_024);
  }
}
