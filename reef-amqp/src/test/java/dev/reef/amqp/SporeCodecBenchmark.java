package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the AMQP wire codec ({@link SporeCodec}, SPEC §4: knowledge as the body,
 * fields as string headers) on every spore's path, for 1 KB and 64 KB of knowledge. It lives beside
 * the codec, in the backend's own test sources, because the codec is internal to the backend; the
 * public JSON paths are measured in the benchmarks module.
 *
 * <p>Run it from the test class path, e.g. {@code mvn -o -pl reef-amqp -am test-compile}, then
 * {@code java -cp <test class path> org.openjdk.jmh.Main dev.reef.amqp.SporeCodecBenchmark};
 * {@code SporeCodecBenchmarkTest} runs it for a few short iterations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SporeCodecBenchmark {
  /** Bytes of knowledge. */
  @Param({"1024", "65536"})
  public int knowledgeBytes;

  private SporeCodec codec;
  private Spore spore;
  private Instant now;
  private AMQP.BasicProperties properties;
  private byte[] body;

  /** Builds the spore, and its encoding for the decoder. */
  @Setup(Level.Trial)
  public void setUp() {
    codec = new SporeCodec(10 * 1024 * 1024);
    spore = spore(knowledgeBytes);
    now = Instant.now();
    SporeCodec.Encoded encoded = codec.encode(spore, null, 1, now);
    properties = encoded.properties();
    body = encoded.body();
  }

  /** A directed knowledge spore with metadata, a trace and references, as agents send them. */
  static Spore spore(int knowledgeBytes) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("topic", "coral-bleaching");
    fields.put("confidence", 0.87);
    fields.put("tags", List.of("reef", "temperature"));
    fields.put("summary", "");
    int padding = knowledgeBytes - JsonDocument.of(fields).byteSize();
    fields.put("summary", "x".repeat(Math.max(0, padding)));
    return Spore.builder(SporeType.KNOWLEDGE)
        .from("researcher")
        .to("summarizer")
        .knowledge(fields)
        .metadata("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .knowledgeReferences(List.of("doc-1"))
        .build();
  }

  /** A spore to one AMQP message: headers, properties and body. */
  @Benchmark
  public SporeCodec.Encoded amqpEncode() {
    return codec.encode(spore, null, 1, now);
  }

  /** One AMQP message back to a spore, checked as a consumer checks it. */
  @Benchmark
  public SporeCodec.Decoded amqpDecode() {
    return codec.decode(properties, body);
  }
}
