package dev.reef.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Runs the demo's story in-process and checks what happened, not what it printed. */
class ReefDemoTest {

  @Test
  void demoDoesWhatItPromises() {
    DemoOutcome outcome = ReefDemo.run(new PrintStream(OutputStream.nullOutputStream()));

    assertThat(outcome.problems()).isEmpty();
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.findingsStored()).isEqualTo(6);
    assertThat(outcome.storedPerInstance()).containsOnlyKeys("summarizer#1", "summarizer#2")
        .allSatisfy((instance, count) -> assertThat(count).isPositive());
    assertThat(outcome.storedPerInstance().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
    assertThat(outcome.unmatchedAtReporter()).isEqualTo(6);
    assertThat(outcome.reportedFindings()).isEqualTo(6);
    assertThat(outcome.reportSummary()).startsWith("6 findings from 4 sources about bleaching, algae");
    assertThat(outcome.deadLettersListed()).isEqualTo(1);
    assertThat(outcome.deadLettersAfterReplay()).isZero();
    assertThat(outcome.findingsChecked()).containsExactlyInAnyOrderElementsOf(
        IntStream.rangeClosed(1, 6).boxed().toList());
    assertThat(outcome.stats().deadLettered()).isEqualTo(1);
    assertThat(outcome.stats().retried()).isEqualTo(1);
    assertThat(outcome.stats().failed()).isEqualTo(2);
    assertThat(outcome.stats().inFlight()).isZero();
  }
}
