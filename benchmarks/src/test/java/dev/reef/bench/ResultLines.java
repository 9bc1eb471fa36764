package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checks every smoke run ends with: its last line is a well-formed RESULT line of positive
 * figures, and, for a scenario with a peer, the line before it a well-formed PEER line.
 */
final class ResultLines {
  private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";
  private static final String RATIO = "([0-9]+\\.[0-9]{3})";

  private ResultLines() {}

  static void assertWellFormed(List<String> lines, String scenario, String unit, Result result) {
    assertThat(lines).isNotEmpty();
    String last = lines.get(lines.size() - 1);
    Matcher matcher = Pattern.compile("RESULT scenario=" + Pattern.quote(scenario) + " reef=" + NUMBER + " reference="
        + NUMBER + " unit=" + Pattern.quote(unit) + " ratio=" + RATIO).matcher(last);
    assertThat(matcher.matches()).as("last line: %s", last).isTrue();
    assertPositive(matcher);
    assertThat(result.reef()).isPositive();
    assertThat(result.reference()).isPositive();
    assertThat(last).isEqualTo(result.line());
  }

  /** The RESULT line as above, and just before it {@code PEER scenario=... reef=... peer=... unit=... ratio=...}. */
  static void assertWellFormedWithPeer(List<String> lines, String scenario, String unit, Result result) {
    assertWellFormed(lines, scenario, unit, result);
    assertThat(lines).hasSizeGreaterThan(1);
    String peer = lines.get(lines.size() - 2);
    Matcher matcher = Pattern.compile("PEER scenario=" + Pattern.quote(scenario) + " reef=" + NUMBER + " peer="
        + NUMBER + " unit=" + Pattern.quote(unit) + " ratio=" + RATIO).matcher(peer);
    assertThat(matcher.matches()).as("line before the last: %s", peer).isTrue();
    assertPositive(matcher);
    assertThat(matcher.group(1)).as("Reef's figure on both lines").isEqualTo(Result.figure(result.reef()));
    assertThat(result.peer()).isPresent();
    assertThat(result.peer().getAsDouble()).isPositive();
    assertThat(peer).isEqualTo(result.peerLine());
  }

  private static void assertPositive(Matcher matcher) {
    for (int group = 1; group <= 3; group++) {
      assertThat(Double.parseDouble(matcher.group(group))).as("figure %d of %s", group, matcher.group()).isPositive();
    }
  }
}
