package dev.reef;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.security.SporeSigning;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * The entry point: channels of spores on a backend.
 *
 * <pre>{@code
 * try (Reef reef = Reef.builder().build()) {          // in-memory unless told otherwise
 *   Channel main = reef.channel("main");
 *   main.subscribe("echo", (spore, ctx) -> spore.knowledge());
 *   Spore reply = main.request("me", "echo", Map.of("say", "hi"), Duration.ofSeconds(1)).join();
 * }
 * }</pre>
 *
 * <p>Thread-safe. One Reef is one connection to its backend; several Reefs on one broker behave as
 * several JVMs.
 */
public interface Reef extends AutoCloseable {

  /** A builder; with no backend or URI set, it builds an in-memory Reef. */
  static Builder builder() {
    return new Builder();
  }

  /** A Reef on a private in-memory broker (needs {@code reef-inmemory} on the class path). */
  static Reef inMemory() {
    return builder().build();
  }

  /**
   * The channel called {@code name}.
   *
   * @throws IllegalArgumentException when the name is not 1–128 characters of {@code A-Z a-z 0-9 _ -},
   *     or is one of the names a namespace reserves for Reef's own broker objects ({@code dead},
   *     {@code retry}, {@code reply}, {@code presence}, {@code history})
   * @throws ReefClosedException once closing has begun
   */
  Channel channel(String name);

  /** Who runs where: every agent instance of this namespace, on this backend (SPEC §3.17). */
  AgentDirectory directory();

  /** The dead letters of this Reef's namespace; every operation asks the {@link Authorizer}. */
  DeadLetters deadLetters();

  /** The namespace prefixing every broker object of this Reef. */
  String namespace();

  /** The namespace's broker objects, to list or delete (operators' tools). */
  NamespaceAdmin admin();

  /** How this Reef writes and reads knowledge: the one mapper of {@link Builder#objectMapper}. */
  JsonMapping json();

  /** True while the backend's connection is up: false while it recovers from a loss, and once closed. */
  boolean isConnected();

  /** A snapshot of this Reef's counters. */
  ReefStats stats();

  /** The registry this Reef's meters live in. */
  MeterRegistry meterRegistry();

  /** The Vert.x instance whose worker pools run the handlers. */
  Vertx vertx();

  /**
   * Waits until no spore is queued for, or held by, this Reef's agent instances, and no retry is
   * pending (Praval's {@code wait_for_completion}).
   *
   * @return true when quiet, false when {@code timeout} passed first (or the backend could not say)
   */
  boolean awaitQuiescence(Duration timeout);

  /** True once {@link #close} has begun. */
  boolean isClosed();

  /** Closes with the builder's drain timeout (default 10 s). */
  @Override
  void close();

  /**
   * Stops every agent instance (unfinished handlers get up to {@code drainTimeout}; spores not
   * started return to their queues), fails pending requests, and closes the backend and, if this
   * Reef made it, Vert.x. Idempotent.
   */
  void close(Duration drainTimeout);

  /** Builds a {@link Reef}: set what differs from the defaults, then {@link #build()}. Not thread-safe. */
  final class Builder {
    URI uri;
    Backend backend;
    String namespace = "reef";
    Vertx vertx;
    MeterRegistry meterRegistry;
    Authorizer authorizer = Authorizer.ALLOW_ALL;
    int broadcastPermits;
    Duration broadcastPer;
    int maxKnowledgeBytes = 10 * 1024 * 1024;
    Duration drainTimeout = Duration.ofSeconds(10);
    Duration heartbeat = Duration.ofSeconds(5);
    SporeSigning signing;
    JsonMapping json = JsonMapping.defaults();
    ObservationRegistry observations = ObservationRegistry.NOOP;

    Builder() {}

    /**
     * Connects to the backend a URI names: {@code memory:} (a private in-memory broker), {@code
     * memory://NAME} (an in-memory broker shared by name within the JVM), {@code amqp://...} or
     * {@code amqps://...} (RabbitMQ). Its syntax is checked here, the rest when the Reef is built.
     *
     * @throws IllegalArgumentException when it is not a URI with a scheme; the message never quotes
     *     it, since it may hold a password
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      URI parsed;
      try {
        parsed = new URI("memory:".equals(uri) ? "memory:/" : uri); // URI cannot parse a scheme alone
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("invalid backend URI: " + e.getReason() + " at index " + e.getIndex());
      }
      if (parsed.getScheme() == null) {
        throw new IllegalArgumentException("invalid backend URI: it has no scheme (expected memory:, amqp://... or"
            + " amqps://...)");
      }
      this.uri = parsed;
      this.backend = null;
      return this;
    }

    /** Uses this backend connection, made by a backend module; the Reef closes it. */
    public Builder backend(Backend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      this.uri = null;
      return this;
    }

    /** The namespace prefixing every broker object (default {@code reef}). */
    public Builder namespace(String namespace) {
      this.namespace = Names.require("namespace", namespace);
      return this;
    }

    /** Runs handlers on this Vert.x (default: a Vert.x the Reef makes and closes). */
    public Builder vertx(Vertx vertx) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
      return this;
    }

    /** Registers the meters here (default: a {@code SimpleMeterRegistry}). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
      return this;
    }

    /** Asks {@code authorizer} before every action (SPEC §8). */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
      return this;
    }

    /** Lets each sender broadcast at most {@code permits} times per {@code per}. */
    public Builder broadcastRateLimit(int permits, Duration per) {
      if (permits < 1) {
        throw new IllegalArgumentException("broadcast permits must be at least 1, got " + permits);
      }
      Objects.requireNonNull(per, "per");
      this.broadcastPer = positive("broadcast rate period", per);
      this.broadcastPermits = permits;
      return this;
    }

    /** The largest encoded knowledge accepted, in bytes (default 10 MiB). */
    public Builder maxKnowledgeBytes(int bytes) {
      if (bytes < 2) {
        throw new IllegalArgumentException("maxKnowledgeBytes must be at least 2, got " + bytes);
      }
      this.maxKnowledgeBytes = bytes;
      return this;
    }

    /** How long {@link Reef#close()} waits for unfinished handlers (default 10 s). */
    public Builder drainTimeout(Duration drainTimeout) {
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      if (drainTimeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must not be negative");
      }
      this.drainTimeout = drainTimeout;
      return this;
    }

    /**
     * How often this Reef tells the namespace's directory that its agent instances are alive
     * (default 5 s); an instance not heard of for three heartbeats is listed as silent.
     */
    public Builder heartbeat(Duration heartbeat) {
      Duration checked = positive("heartbeat", heartbeat);
      if (checked.toMillis() < 50) {
        throw new IllegalArgumentException("heartbeat must be at least 50 ms, got " + heartbeat);
      }
      this.heartbeat = checked;
      return this;
    }

    /**
     * Signs the spores this Reef sends and/or verifies those it receives, as {@code signing} says
     * (default: neither). See {@link SporeSigning}.
     */
    public Builder signing(SporeSigning signing) {
      this.signing = Objects.requireNonNull(signing, "signing");
      return this;
    }

    /**
     * Writes and reads every spore's knowledge with {@code mapper} (default: {@link
     * JsonMapping#newDefaultMapper()}, which knows {@code java.time}, {@code Optional} and parameter
     * names). Do not reconfigure the mapper afterwards.
     */
    public Builder objectMapper(ObjectMapper mapper) {
      this.json = JsonMapping.of(mapper);
      return this;
    }

    /**
     * Observes every publish and every handler run with Micrometer's Observation API (producer and
     * consumer observations with OpenTelemetry messaging attributes), so that a tracer bridged to
     * {@code registry} shows a chain of spores across JVMs as one trace. Default: nothing observed.
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      this.observations = Objects.requireNonNull(registry, "observationRegistry");
      return this;
    }

    /**
     * Connects and builds.
     *
     * @throws IllegalArgumentException when the URI is invalid or no backend on the class path serves it
     * @throws ReefException when the backend cannot be reached
     */
    public Reef build() {
      return Engine.provider().create(new ReefOptions(this));
    }

    private static Duration positive(String what, Duration duration) {
      Objects.requireNonNull(duration, what);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive, got " + duration);
      }
      return duration;
    }
  }
}
