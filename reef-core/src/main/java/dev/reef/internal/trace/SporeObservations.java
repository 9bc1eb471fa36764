package dev.reef.internal.trace;

import dev.reef.spore.Spore;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Producer and consumer observations of spores (SPEC §7), through Micrometer's Observation API, so
 * that whatever tracer the user registers (OpenTelemetry, Brave) sees a chain of spores as one
 * trace: a publish observation injects its context into the spore's metadata (W3C {@code
 * traceparent}, and whatever else the propagator writes), and a handler's observation continues
 * from it. Attributes follow OpenTelemetry's messaging conventions.
 *
 * <p>With the no-op registry (the default) nothing is observed and nothing is allocated.
 */
public final class SporeObservations {
  /** The observation of a publish (send, broadcast, request, reply). */
  public static final String PUBLISH = "reef.spore.publish";
  /** The observation of a handler run. */
  public static final String PROCESS = "reef.spore.process";

  private final ObservationRegistry registry;
  private final String system;

  /** @param system the messaging system, for {@code messaging.system} (e.g. {@code rabbitmq}) */
  public SporeObservations(ObservationRegistry registry, String system) {
    this.registry = registry;
    this.system = system;
  }

  /** True when nothing is observed: callers skip the work. */
  public boolean isOff() {
    return registry.isNoop();
  }

  /**
   * Starts the observation of publishing {@code spore} on {@code channel}, a child of {@code parent}
   * (the handler run that sends it) or else of the current observation; its context travels in the
   * returned spore's metadata. Stop it with {@link Publishing#stop} when the backend has decided.
   */
  public Publishing publishing(String channel, Spore spore, Observation parent) {
    SenderContext<Map<String, String>> context = new SenderContext<>(Map::put);
    Map<String, String> carrier = new LinkedHashMap<>();
    context.setCarrier(carrier);
    context.setRemoteServiceName(system);
    Observation observation = Observation.createNotStarted(PUBLISH, () -> context, registry)
        .contextualName(channel + " publish")
        .lowCardinalityKeyValues(common(channel, "publish", "send"))
        .highCardinalityKeyValues(spore(spore))
        .parentObservation(parent != null ? parent : registry.getCurrentObservation())
        .start();
    Spore carried = spore;
    if (!carrier.isEmpty()) {
      Spore.Builder builder = spore.toBuilder();
      carrier.forEach(builder::metadata);
      carried = builder.build();
    }
    return new Publishing(observation, carried);
  }

  /** Starts the observation of {@code agent}'s handler run on {@code spore}, continuing the spore's trace. */
  public Observation processing(String channel, String agent, Spore spore) {
    ReceiverContext<Spore> context = new ReceiverContext<>((carrier, key) -> carrier.metadata().getString(key));
    context.setCarrier(spore);
    context.setRemoteServiceName(system);
    return Observation.createNotStarted(PROCESS, () -> context, registry)
        .contextualName(channel + " process")
        .lowCardinalityKeyValues(common(channel, "process", "process"))
        .highCardinalityKeyValues(spore(spore).and("reef.agent", agent))
        .start();
  }

  private KeyValues common(String channel, String operation, String type) {
    return KeyValues.of("messaging.system", system, "messaging.destination.name", channel,
        "messaging.operation", operation, "messaging.operation.type", type);
  }

  private static KeyValues spore(Spore spore) {
    KeyValues values = KeyValues.of("messaging.message.id", spore.id(), "reef.spore_type", spore.type().wireValue(),
        "reef.from_agent", spore.fromAgent());
    if (spore.replyTo() != null) {
      values = values.and("messaging.message.conversation_id", spore.replyTo());
    }
    return spore.toAgent() == null ? values : values.and("reef.to_agent", spore.toAgent());
  }

  /**
   * A publish being observed.
   *
   * @param observation the running observation
   * @param spore the spore to publish, carrying the observation's context
   */
  public record Publishing(Observation observation, Spore spore) {
    /** Ends the observation, with the error when the publish failed. */
    public void stop(Throwable error) {
      if (error != null) {
        observation.error(error);
      }
      observation.stop();
    }
  }
}
