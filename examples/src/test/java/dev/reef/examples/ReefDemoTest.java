package dev.reef.examples;

import static dev.reef.test.SporeMatch.from;
import static dev.reef.test.SporeMatch.knowledgeType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import dev.reef.test.ReefAssertions;
import dev.reef.test.ReefTest;
import dev.reef.test.SporeRecorder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Runs the demo's story in-process and checks what happened, not what it printed. */
@ReefTest
class ReefDemoTest {

  @Test
  void demoDoesWhatItPromises(Reef reef) {
    try (SporeRecorder lab = SporeRecorder.observe(reef.channel(ReefDemo.CHANNEL))) {
      DemoOutcome outcome = ReefDemo.run(new PrintStream(OutputStream.nullOutputStream()), reef);

      assertThat(outcome.problems()).isEmpty();
      assertThat(outcome.succeeded()).isTrue();
      assertThat(lab.await(knowledgeType("finding").and(from("researcher")), 6, Duration.ofSeconds(1))).hasSize(6);
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
      ReefAssertions.assertSettledCleanly(reef, Duration.ofSeconds(5)); // the dead letter was replayed
    }
  }
}
