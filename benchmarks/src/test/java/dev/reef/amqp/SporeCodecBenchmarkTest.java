package dev.reef.amqp;

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
      SporeCodec.Encoded encoded = benchmark.amqpEncode();
      assertThat(encoded.body()).hasSize(size);
      SporeCodec.Decoded decoded = benchmark.amqpDecode();
      assertThat(decoded).isInstanceOf(SporeCodec.Decoded.Valid.class);
      Spore back = ((SporeCodec.Decoded.Valid) decoded).spore();
      assertThat(back.knowledge()).isEqualTo(spore.knowledge());
      assertThat(back.metadata()).isEqualTo(spore.metadata());
      assertThat(benchmark.jsonDecode().knowledge()).isEqualTo(spore.knowledge());
      assertThat(benchmark.jsonEncode()).contains("\"from_agent\":\"researcher\"");
    }
  }
}
