package dev.reef.amqp.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Spans carried between JVMs as lines of standard output: {@code SPAN BASE64}, the Base64 of one
 * span as JSON (ids, name, kind and attributes), so that a JVM under test exports its spans to the
 * test, which reads them back with {@link #parse}.
 */
public final class SpanLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SpanLines() {}

  /**
   * A span as the exporting JVM saw it.
   *
   * @param traceId the trace's id, 32 hex digits
   * @param spanId the span's id, 16 hex digits
   * @param parentSpanId the parent's id; {@code 0000000000000000} for a root
   * @param name the span's name
   * @param kind PRODUCER, CONSUMER, ...
   * @param attributes every attribute, as text
   * @param jvm the label of the JVM that ended it
   */
  public record ExportedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
      Map<String, String> attributes, String jvm) {

    /** Copies the attributes. */
    public ExportedSpan {
      attributes = Map.copyOf(attributes);
    }

    /** {@code attributes().get(key)}. */
    public String attribute(String key) {
      return attributes.get(key);
    }

    /** The span read from its SDK data, ended in {@code jvm}. */
    public static ExportedSpan of(SpanData span, String jvm) {
      Map<String, String> attributes = new TreeMap<>();
      span.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), String.valueOf(value)));
      return new ExportedSpan(span.getTraceId(), span.getSpanId(), span.getParentSpanId(), span.getName(),
          span.getKind().name(), attributes, jvm);
    }
  }

  /** Writes each span it is given as a {@code SPAN} line to {@code out}. */
  public static SpanExporter exporter(PrintStream out, String jvm) {
    Objects.requireNonNull(out, "out");
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        for (SpanData span : spans) {
          out.println("SPAN " + encode(ExportedSpan.of(span, jvm)));
        }
        out.flush();
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        out.flush();
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return flush();
      }
    };
  }

  /** The span of a {@code SPAN} event's one field. */
  public static ExportedSpan parse(AgentEvent event) {
    if (!event.kind().equals("SPAN")) {
      throw new IllegalArgumentException("not a SPAN event: " + event);
    }
    try {
      return JSON.readValue(Base64.getDecoder().decode(event.field(0)), ExportedSpan.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable span in " + event + ": " + e.getMessage(), e);
    }
  }

  private static String encode(ExportedSpan span) {
    try {
      return Base64.getEncoder().encodeToString(JSON.writeValueAsString(span).getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write span " + span.spanId() + ": " + e.getMessage(), e);
    }
  }
}
