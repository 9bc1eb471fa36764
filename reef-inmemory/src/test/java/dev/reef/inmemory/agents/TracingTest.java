package dev.reef.inmemory.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A chain of spores as one trace through Micrometer Observation and the OpenTelemetry bridge: each
 * Reef has its own tracer, as each JVM would, and only the spores carry the context between them.
 */
class TracingTest {
  private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation");
  private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

  private final String broker = "tracing-" + UUID.randomUUID();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final List<Reef> reefs = new ArrayList<>();
  private final List<SdkTracerProvider> providers = new ArrayList<>();

  /** A Reef with a tracer of its own, exporting to the shared in-memory exporter. */
  private Reef tracedReef() {
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    providers.add(provider);
    ContextPropagators propagators = ContextPropagators.create(W3CTraceContextPropagator.getInstance());
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).setPropagators(propagators).build();
    io.opentelemetry.api.trace.Tracer otelTracer = otel.getTracer("reef-test");
    OtelTracer tracer = new OtelTracer(otelTracer, new OtelCurrentTraceContext(), event -> { });
    OtelPropagator propagator = new OtelPropagator(propagators, otelTracer);
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
        new DefaultTracingObservationHandler(tracer)));
    Reef reef = Reef.builder().uri("memory://" + broker).observationRegistry(registry)
        .drainTimeout(Duration.ofSeconds(2)).build();
    reefs.add(reef);
    return reef;
  }

  @AfterEach
  void close() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    providers.forEach(SdkTracerProvider::close);
  }

  @Test
  void aChainAcrossReefsIsOneTraceWithParentsAndMessagingAttributes() {
    CompletableFuture<String> lastSpore = new CompletableFuture<>();
    tracedReef().channel("main").subscribe("c", (spore, ctx) -> {
      lastSpore.complete(spore.id());
      return null;
    });
    tracedReef().channel("main").subscribe("b", (spore, ctx) -> {
      ctx.send("c", Map.of("step", 3)).join();
      return Map.of("b", "done");
    });
    tracedReef().channel("main").subscribe("a", (spore, ctx) -> ctx.request("b", Map.of("step", 2), Duration.ofSeconds(5)));

    tracedReef().channel("main").request("client", "a", Map.of("step", 1), Duration.ofSeconds(5))
        .orTimeout(10, TimeUnit.SECONDS).join();
    lastSpore.orTimeout(10, TimeUnit.SECONDS).join();

    // client publish -> a process -> a publish (to b) -> b process -> b publish (to c) -> c process, and two replies.
    await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().size() >= 8);
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).extracting(SpanData::getTraceId).as("one trace").containsOnly(all.get(0).getTraceId());
    SpanData clientPublish = only(all, "publish", "client", "a");
    SpanData aProcess = only(all, "process", "client", "a");
    SpanData aPublish = only(all, "publish", "a", "b");
    SpanData bProcess = only(all, "process", "a", "b");
    SpanData bPublish = only(all, "publish", "b", "c");
    SpanData cProcess = only(all, "process", "b", "c");
    assertThat(aProcess.getParentSpanId()).isEqualTo(clientPublish.getSpanId());
    assertThat(aPublish.getParentSpanId()).isEqualTo(aProcess.getSpanId());
    assertThat(bProcess.getParentSpanId()).isEqualTo(aPublish.getSpanId());
    assertThat(bPublish.getParentSpanId()).isEqualTo(bProcess.getSpanId());
    assertThat(cProcess.getParentSpanId()).isEqualTo(bPublish.getSpanId());
    assertThat(cProcess.getAttributes().get(SYSTEM)).isEqualTo("reef");
    assertThat(cProcess.getAttributes().get(DESTINATION)).isEqualTo("main");
    assertThat(cProcess.getAttributes().get(OPERATION)).isEqualTo("process");
    assertThat(cProcess.getAttributes().get(MESSAGE_ID)).isEqualTo(lastSpore.join());
  }

  private static SpanData only(List<SpanData> all, String operation, String from, String to) {
    List<SpanData> matching = all.stream()
        .filter(span -> operation.equals(span.getAttributes().get(OPERATION)))
        .filter(span -> from.equals(span.getAttributes().get(AttributeKey.stringKey("reef.from_agent"))))
        .filter(span -> to.equals(span.getAttributes().get(AttributeKey.stringKey("reef.to_agent"))))
        .filter(span -> !"response".equals(span.getAttributes().get(AttributeKey.stringKey("reef.spore_type"))))
        .toList();
    assertThat(matching).as("%s spans from %s to %s among %s", operation, from, to, all).hasSize(1);
    return matching.get(0);
  }
}
