package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the scenario at smoke size: it must finish and report; the figures themselves are not judged. */
class InMemoryThroughputTest {
  private static final Pattern RESULT = Pattern.compile(
      "RESULT scenario=inmemory-throughput reef=(\\d+) reference=(\\d+) unit=msgs/s ratio=(\\d+\\.\\d{3})");

  @Test
  void smokeRunEndsWithAResultLineOfPositiveRates() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Settings smoke = Settings.from(new String[] {"--smoke=true"}, Map.of());

    Result result = InMemoryThroughput.run(smoke, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    String last = lines.get(lines.size() - 1);
    Matcher matcher = RESULT.matcher(last);
    assertThat(matcher.matches()).as("last line: %s", last).isTrue();
    assertThat(Long.parseLong(matcher.group(1))).isPositive();
    assertThat(Long.parseLong(matcher.group(2))).isPositive();
    assertThat(Double.parseDouble(matcher.group(3))).isPositive();
    assertThat(result.reef()).isPositive();
    assertThat(result.reference()).isPositive();
    assertThat(last).isEqualTo(result.line());
    assertThat(lines).filteredOn(line -> line.startsWith("round ")).hasSize(smoke.warmupRounds() + smoke.rounds());
  }

  @Test
  void settingsComeFromArgumentsThenSystemPropertiesThenDefaults() {
    Settings settings = Settings.from(new String[] {"--messages=5_000"},
        Map.of("bench.messages", "7", "bench.rounds", "9", "user.home", "/ignored"));
    assertThat(settings.messages()).isEqualTo(5_000);
    assertThat(settings.rounds()).isEqualTo(9);
    assertThat(settings.window()).isEqualTo(Settings.DEFAULT.window());
    assertThat(Settings.from(new String[0], Map.of("bench.smoke", "true"))).isEqualTo(Settings.SMOKE);
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> Settings.from(new String[] {"--mesages=5"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown parameter(s) [mesages]");
    assertThatThrownBy(() -> Settings.from(new String[] {"--rounds=two"}, Map.of()))
        .hasMessage("rounds must be an integer, got 'two'");
    assertThatThrownBy(() -> Settings.from(new String[] {"--window=0"}, Map.of()))
        .hasMessage("window must be at least 1, got 0");
    assertThatThrownBy(() -> Settings.from(new String[] {"messages=5"}, Map.of()))
        .hasMessage("expected --name=value, got 'messages=5'");
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(InMemoryThroughput.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(InMemoryThroughput.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
  }

  @Test
  void thePayloadIsExactlyOneKilobyte() {
    assertThat(Payload.knowledge().byteSize()).isEqualTo(1_024);
  }

  @Test
  void theRatioIsReefOverReference() {
    Result result = new Result("inmemory-throughput", 150_000, 600_000);
    assertThat(result.ratio()).isEqualTo(0.25);
    assertThat(result.line())
        .isEqualTo("RESULT scenario=inmemory-throughput reef=150000 reference=600000 unit=msgs/s ratio=0.250");
  }
}
