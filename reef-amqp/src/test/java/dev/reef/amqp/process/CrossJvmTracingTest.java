package dev.reef.amqp.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.amqp.process.SpanLines.ExportedSpan;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13, acceptance 4: with {@code micrometer-tracing-bridge-otel}, a chain {@code client -> a ->
 * b -> c} across two JVMs on RabbitMQ is one trace. The test JVM runs {@code client} and {@code b},
 * with an in-memory span exporter; the other JVM ({@link TracedChainProcess}) runs {@code a} and
 * {@code c} with a tracer of its own and exports its spans to the test as lines. So the trace crosses
 * between the JVMs three times, only in the spores' metadata, and each span's parent is the span
 * that published what it handles, or the handler run that published it. Every span carries {@code
 * messaging.system=rabbitmq}, the destination, the operation and the spore's id.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrossJvmTracingTest {
  private static final String CHANNEL = "main";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NO_PARENT = "0000000000000000";

  private final String namespace = "trace-" + UUID.randomUUID().toString().substring(0, 8);
  private final InMemorySpanExporter localSpans = InMemorySpanExporter.create();
  private final Tracers tracing = Tracers.exportingTo(localSpans);
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAndDeleteTheNamespace() throws Exception {
    try {
      for (AutoCloseable closeable : opened) {
        closeable.close();
      }
      tracing.close();
    } finally {
      SharedTestBroker.deleteTopology(namespace, List.of(CHANNEL), List.of("a", "b", "c"));
    }
  }

  @Test
  void aChainAcrossTwoJvmsIsOneTraceWithTheRightParents() throws Exception {
    AgentJvm other = AgentJvm.builder("traced").mainClass(TracedChainProcess.class).brokerUri(SharedTestBroker.uri())
        .namespace(namespace).channel(CHANNEL).launch();
    opened.add(other);
    Reef reef = Reef.builder().uri(SharedTestBroker.uri()).namespace(namespace)
        .observationRegistry(tracing.observations()).drainTimeout(Duration.ofSeconds(2)).build();
    opened.add(0, reef); // closed before the other JVM
    reef.channel(CHANNEL).subscribe("b", (spore, context) -> {
      context.send("c", Map.of("step", 3)).join();
      return Map.of("b", "done");
    });
    other.awaitReady(WAIT);

    Spore request = Spore.builder(SporeType.REQUEST).from("client").to("a").knowledge(Map.of("step", 1)).build();
    Spore reply = reef.channel(CHANNEL).request(request, Duration.ofSeconds(30)).get(40, TimeUnit.SECONDS);
    String lastSporeId = other.await(event -> event.kind().equals("HANDLED"), "HANDLED c", WAIT).field(1);
    // Spans end as their work does: the other JVM's process span of a ends once its asynchronous answer has.
    List<ExportedSpan> all = await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> spans(other), spans -> chainComplete(spans));

    all.stream().sorted(Comparator.comparing(ExportedSpan::jvm).thenComparing(ExportedSpan::name))
        .forEach(span -> System.out.printf("%-14s trace %s span %s parent %s %-9s %-14s %s -> %s (%s) id %s%n",
            span.jvm(), span.traceId(), span.spanId(), span.parentSpanId(), span.kind(), span.name(),
            span.attribute("reef.from_agent"), span.attribute("reef.to_agent"), span.attribute("reef.spore_type"),
            span.attribute("messaging.message.id")));

    ExportedSpan clientPublish = only(all, "publish", "client", "a");
    ExportedSpan aProcess = only(all, "process", "client", "a");
    ExportedSpan aPublish = only(all, "publish", "a", "b");
    ExportedSpan bProcess = only(all, "process", "a", "b");
    ExportedSpan bPublish = only(all, "publish", "b", "c");
    ExportedSpan cProcess = only(all, "process", "b", "c");
    assertThat(reply.knowledge().get("b").asText()).isEqualTo("done");
    assertThat(List.of(clientPublish, bProcess, bPublish)).extracting(ExportedSpan::jvm).containsOnly("test");
    assertThat(List.of(aProcess, aPublish, cProcess)).extracting(ExportedSpan::jvm)
        .containsOnly("jvm-" + other.pid());
    assertThat(all).extracting(ExportedSpan::traceId).as("one trace in both JVMs")
        .containsOnly(clientPublish.traceId());
    assertThat(clientPublish.parentSpanId()).as("the request starts the trace").isEqualTo(NO_PARENT);
    assertThat(aProcess.parentSpanId()).as("a's run, in the other JVM").isEqualTo(clientPublish.spanId());
    assertThat(aPublish.parentSpanId()).as("a's request to b").isEqualTo(aProcess.spanId());
    assertThat(bProcess.parentSpanId()).as("b's run, back in the test JVM").isEqualTo(aPublish.spanId());
    assertThat(bPublish.parentSpanId()).as("b's send to c").isEqualTo(bProcess.spanId());
    assertThat(cProcess.parentSpanId()).as("c's run, in the other JVM again").isEqualTo(bPublish.spanId());
    assertThat(List.of(clientPublish, aPublish, bPublish)).extracting(ExportedSpan::kind).containsOnly("PRODUCER");
    assertThat(List.of(aProcess, bProcess, cProcess)).extracting(ExportedSpan::kind).containsOnly("CONSUMER");
    for (ExportedSpan span : all) {
      assertThat(span.attribute("messaging.system")).as("system of " + span).isEqualTo("rabbitmq");
      assertThat(span.attribute("messaging.destination.name")).as("destination of " + span).isEqualTo(CHANNEL);
      assertThat(span.attribute("messaging.operation")).as("operation of " + span).isIn("publish", "process");
      assertThat(span.attribute("messaging.message.id")).as("message id of " + span).isNotBlank();
    }
    assertThat(clientPublish.attribute("messaging.message.id")).isEqualTo(request.id());
    assertThat(aProcess.attribute("messaging.message.id")).isEqualTo(request.id());
    assertThat(aPublish.attribute("messaging.message.id")).isEqualTo(bProcess.attribute("messaging.message.id"));
    assertThat(bPublish.attribute("messaging.message.id")).isEqualTo(lastSporeId);
    assertThat(cProcess.attribute("messaging.message.id")).isEqualTo(lastSporeId);
  }

  /** The test JVM's spans and those the other JVM has printed so far. */
  private List<ExportedSpan> spans(AgentJvm other) {
    List<ExportedSpan> all = new ArrayList<>();
    localSpans.getFinishedSpanItems().forEach(span -> all.add(ExportedSpan.of(span, "test")));
    other.events(event -> event.kind().equals("SPAN")).forEach(event -> all.add(SpanLines.parse(event)));
    return all;
  }

  /** Every span of the chain has ended, replies included (a's run ends with its reply). */
  private static boolean chainComplete(List<ExportedSpan> spans) {
    return count(spans, "publish", "client", "a") == 1 && count(spans, "process", "client", "a") == 1
        && count(spans, "publish", "a", "b") == 1 && count(spans, "process", "a", "b") == 1
        && count(spans, "publish", "b", "c") == 1 && count(spans, "process", "b", "c") == 1;
  }

  private static long count(List<ExportedSpan> spans, String operation, String from, String to) {
    return matching(spans, operation, from, to).size();
  }

  private static List<ExportedSpan> matching(List<ExportedSpan> spans, String operation, String from, String to) {
    return spans.stream()
        .filter(span -> operation.equals(span.attribute("messaging.operation")))
        .filter(span -> from.equals(span.attribute("reef.from_agent")))
        .filter(span -> to.equals(span.attribute("reef.to_agent")))
        .filter(span -> !"response".equals(span.attribute("reef.spore_type")))
        .toList();
  }

  private static ExportedSpan only(List<ExportedSpan> spans, String operation, String from, String to) {
    List<ExportedSpan> found = matching(spans, operation, from, to);
    assertThat(found).as("%s spans from %s to %s among %s", operation, from, to, spans).hasSize(1);
    return found.get(0);
  }
}
