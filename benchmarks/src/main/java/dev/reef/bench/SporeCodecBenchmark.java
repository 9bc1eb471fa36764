package dev.reef.bench;

import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeJson;
import dev.reef.spore.SporeType;
import java.nio.charset.StandardCharsets;
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
 * JMH micro-benchmarks of the JSON on every spore's path, through the public API only, for 1 KB and
 * 64 KB of knowledge: the knowledge as the UTF-8 body every backend carries ({@link JsonDocument},
 * which the AMQP wire format of SPEC §4 sends as the message body), and the whole-spore JSON of
 * {@link SporeJson}.
 *
 * <p>The AMQP wire codec itself (headers included) is internal to reef-amqp and is not reached from
 * here: benchmarks live in their own package, not in a backend's.
 *
 * <pre>
 * java -cp benchmarks/target/reef-benchmarks.jar org.openjdk.jmh.Main SporeCodecBenchmark
 * </pre>
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

  private Spore spore;
  private byte[] body;
  private String json;

  /** Builds the spore, and its encodings for the decoders. */
  @Setup(Level.Trial)
  public void setUp() {
    spore = spore(knowledgeBytes);
    body = knowledgeEncode();
    json = SporeJson.encode(spore);
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

  /** The knowledge as the bytes of a message body. */
  @Benchmark
  public byte[] knowledgeEncode() {
    return spore.knowledge().toJson().getBytes(StandardCharsets.UTF_8);
  }

  /** A message body read back as knowledge: validated, kept as text until a handler reads a field. */
  @Benchmark
  public JsonDocument knowledgeDecode() {
    return JsonDocument.parse(new String(body, StandardCharsets.UTF_8));
  }

  @Benchmark
  public String jsonEncode() {
    return SporeJson.encode(spore);
  }

  @Benchmark
  public Spore jsonDecode() {
    return SporeJson.decode(json);
  }
}
