package dev.reef.amqp.process;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * What a service sets up to trace with Micrometer Observation and OpenTelemetry: an SDK tracer
 * provider exporting each span as it ends, W3C context propagation, and the Micrometer Tracing
 * handlers that turn Reef's publish and process observations into producer and consumer spans.
 */
public final class Tracers {
  private final SdkTracerProvider provider;
  private final ObservationRegistry observations;

  private Tracers(SdkTracerProvider provider, ObservationRegistry observations) {
    this.provider = provider;
    this.observations = observations;
  }

  /** A tracer exporting to {@code exporter}; {@link #observations()} goes to {@code Reef.builder()}. */
  public static Tracers exportingTo(SpanExporter exporter) {
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
    ContextPropagators propagators = ContextPropagators.create(W3CTraceContextPropagator.getInstance());
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).setPropagators(propagators).build();
    Tracer otelTracer = otel.getTracer("reef-test");
    OtelTracer tracer = new OtelTracer(otelTracer, new OtelCurrentTraceContext(), event -> { });
    OtelPropagator propagator = new OtelPropagator(propagators, otelTracer);
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
        new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
        new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
        new DefaultTracingObservationHandler(tracer)));
    return new Tracers(provider, registry);
  }

  /** The registry to build a traced Reef with. */
  public ObservationRegistry observations() {
    return observations;
  }

  /** Exports what has ended and shuts the provider down. */
  public void close() {
    provider.forceFlush();
    provider.close();
  }
}
