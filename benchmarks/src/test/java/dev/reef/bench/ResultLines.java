package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The check every smoke run ends with: its last line is a well-formed RESULT line of positive figures. */
final class ResultLines {
  private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";

  private ResultLines() {}

  static void assertWellFormed(List<String> lines, String scenario, String unit, Result result) {
    assertThat(lines).isNotEmpty();
    String last = lines.get(lines.size() - 1);
    Matcher matcher = Pattern.compile("RESULT scenario=" + Pattern.quote(scenario) + " reef=" + NUMBER + " reference="
        + NUMBER + " unit=" + Pattern.quote(unit) + " ratio=([0-9]+\\.[0-9]{3})").matcher(last);
    assertThat(matcher.matches()).as("last line: %s", last).isTrue();
    assertThat(Double.parseDouble(matcher.group(1))).isPositive();
    assertThat(Double.parseDouble(matcher.group(2))).isPositive();
    assertThat(Double.parseDouble(matcher.group(3))).isPositive();
    assertThat(result.reef()).isPositive();
    assertThat(result.reference()).isPositive();
    assertThat(last).isEqualTo(result.line());
  }
}
