package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.spore.Spore;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The wire codec benchmark measures real round trips, and runs under JMH: a few short iterations in
 * this JVM (a smoke run: its figures are not judged).
 */
class SporeCodecBenchmarkTest {

  @Test
  void whatItEncodesDecodesBackToTheSameSpore() {
    for (int size : new int[] {1024, 65536}) {
      SporeCodecBenchmark benchmark = new SporeCodecBenchmark();
      benchmark.knowledgeBytes = size;
      benchmark.setUp();
      Spore spore = SporeCodecBenchmark.spore(size);

      assertThat(spore.knowledgeBytes()).isEqualTo(size);
      assertThat(benchmark.amqpEncode().body()).hasSize(size);
      assertThat(benchmark.amqpDecode()).isInstanceOfSatisfying(SporeCodec.Decoded.Valid.class, valid -> {
        assertThat(valid.spore().knowledge()).isEqualTo(spore.knowledge());
        assertThat(valid.spore().metadata()).isEqualTo(spore.metadata());
        assertThat(valid.spore().knowledgeReferences()).containsExactly("doc-1");
      });
    }
  }

  @Test
  void jmhRunsBothBenchmarksForAFewIterations() throws RunnerException {
    Options smoke = new OptionsBuilder()
        .include(SporeCodecBenchmark.class.getName() + "\\.")
        .param("knowledgeBytes", "1024")
        .forks(0) // in this JVM: the test class path already holds the generated benchmark
        .warmupIterations(1)
        .warmupTime(TimeValue.milliseconds(100))
        .measurementIterations(2)
        .measurementTime(TimeValue.milliseconds(100))
        .timeUnit(TimeUnit.MICROSECONDS)
        .shouldFailOnError(true)
        .build();

    Collection<RunResult> results = new Runner(smoke).run();

    assertThat(results).extracting(result -> result.getParams().getBenchmark())
        .containsExactlyInAnyOrder(SporeCodecBenchmark.class.getName() + ".amqpEncode",
            SporeCodecBenchmark.class.getName() + ".amqpDecode");
    assertThat(results).allSatisfy(result -> {
      assertThat(result.getPrimaryResult().getScore()).as("µs per operation").isPositive().isFinite();
      assertThat(result.getPrimaryResult().getStatistics().getN()).as("measured iterations").isEqualTo(2);
    });
  }
}
