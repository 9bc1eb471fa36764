package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.spore.Spore;
import org.junit.jupiter.api.Test;

/** The codec benchmark measures real round trips: what it encodes decodes back to the same spore. */
class SporeCodecBenchmarkTest {

  @Test
  void everyBenchmarkRoundTripsItsSpore() {
    for (int size : new int[] {1024, 65536}) {
      SporeCodecBenchmark benchmark = new SporeCodecBenchmark();
      benchmark.knowledgeBytes = size;
      benchmark.setUp();
      Spore spore = SporeCodecBenchmark.spore(size);

      assertThat(spore.knowledgeBytes()).isEqualTo(size);
      assertThat(benchmark.knowledgeEncode()).hasSize(size);
      assertThat(benchmark.knowledgeDecode()).isEqualTo(spore.knowledge());
      Spore back = benchmark.jsonDecode();
      assertThat(back.knowledge()).isEqualTo(spore.knowledge());
      assertThat(back.metadata()).isEqualTo(spore.metadata());
      assertThat(benchmark.jsonEncode()).contains("\"from_agent\":\"researcher\"");
    }
  }
}
