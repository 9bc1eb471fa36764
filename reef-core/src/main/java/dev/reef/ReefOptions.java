package dev.reef;

import dev.reef.security.SporeSigning;
import dev.reef.spore.JsonMapping;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link Reef.Builder} was told, frozen: the one value the engine is built from. Absent
 * settings are empty; the engine supplies their defaults.
 */
public final class ReefOptions {
  private final URI uri;
  private final Backend backend;
  private final String namespace;
  private final Vertx vertx;
  private final MeterRegistry meterRegistry;
  private final Authorizer authorizer;
  private final int broadcastPermits;
  private final Duration broadcastPer;
  private final int maxKnowledgeBytes;
  private final Duration drainTimeout;
  private final Duration heartbeat;
  private final SporeSigning signing;
  private final JsonMapping json;
  private final ObservationRegistry observations;

  ReefOptions(Reef.Builder builder) {
    this.uri = builder.uri;
    this.backend = builder.backend;
    this.namespace = builder.namespace;
    this.vertx = builder.vertx;
    this.meterRegistry = builder.meterRegistry;
    this.authorizer = builder.authorizer;
    this.broadcastPermits = builder.broadcastPermits;
    this.broadcastPer = builder.broadcastPer;
    this.maxKnowledgeBytes = builder.maxKnowledgeBytes;
    this.drainTimeout = builder.drainTimeout;
    this.heartbeat = builder.heartbeat;
    this.signing = builder.signing;
    this.json = builder.json;
    this.observations = builder.observations;
  }

  /** The backend URI ({@code memory:} reads as {@code memory:/}); empty when a backend was given, or none. */
  public Optional<URI> uri() {
    return Optional.ofNullable(uri);
  }

  /** The backend connection given to the builder, if any. */
  public Optional<Backend> backend() {
    return Optional.ofNullable(backend);
  }

  /** The namespace (default {@code reef}). */
  public String namespace() {
    return namespace;
  }

  /** The Vert.x to run handlers on; empty: the Reef makes its own. */
  public Optional<Vertx> vertx() {
    return Optional.ofNullable(vertx);
  }

  /** Where meters go; empty: a private {@code SimpleMeterRegistry}. */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** Who is asked before every action. */
  public Authorizer authorizer() {
    return authorizer;
  }

  /** Broadcasts a sender may make per {@link #broadcastPer()}; 0: no limit. */
  public int broadcastPermits() {
    return broadcastPermits;
  }

  /** The period of the broadcast rate limit; empty: no limit. */
  public Optional<Duration> broadcastPer() {
    return Optional.ofNullable(broadcastPer);
  }

  /** The largest encoded knowledge accepted, in bytes. */
  public int maxKnowledgeBytes() {
    return maxKnowledgeBytes;
  }

  /** How long closing waits for unfinished handlers. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** How often the directory hears that this Reef's instances are alive. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** Signing and verification; empty: neither. */
  public Optional<SporeSigning> signing() {
    return Optional.ofNullable(signing);
  }

  /** Where publishes and handler runs are observed ({@link ObservationRegistry#NOOP}: nowhere). */
  public ObservationRegistry observationRegistry() {
    return observations;
  }

  /** The JSON mapping of every spore. */
  public JsonMapping json() {
    return json;
  }
}
