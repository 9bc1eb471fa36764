package dev.reef.agent.launch;

import dev.reef.Reef;
import dev.reef.amqp.AgentPresence;
import dev.reef.amqp.AmqpBackend;
import dev.reef.spi.Directory;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * A {@link Reef} connected as {@link Settings} say, for the launcher and the command-line tools,
 * with what they need beyond the {@code Reef} API: who is online (presence on AMQP, the directory
 * in memory).
 */
public final class ReefConnection implements AutoCloseable {
  private final Reef reef;
  private final ReefBackend backend;
  private final AmqpBackend amqp;
  private final String description;

  private ReefConnection(Reef reef, ReefBackend backend, String description) {
    this.reef = reef;
    this.backend = backend;
    this.amqp = backend instanceof AmqpBackend amqpBackend ? amqpBackend : null;
    this.description = description;
  }

  /**
   * Connects.
   *
   * @param settings resolved settings (URI, namespace and drain timeout set)
   * @param role what this process is, for the broker's connection name (e.g. {@code run}, {@code tail})
   * @param registry where the Reef registers its meters
   * @throws IllegalArgumentException when the URI is invalid (the message masks its password)
   * @throws dev.reef.ReefException when the broker cannot be reached
   */
  public static ReefConnection open(Settings settings, String role, MeterRegistry registry) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(settings.uri(), "settings.uri");
    Objects.requireNonNull(settings.namespace(), "settings.namespace");
    Objects.requireNonNull(settings.drainTimeout(), "settings.drainTimeout");
    ReefBackend backend = backend(settings, role);
    try {
      Reef reef = Reef.builder().backend(backend).meterRegistry(registry).drainTimeout(settings.drainTimeout()).build();
      return new ReefConnection(reef, backend, settings.maskedUri() + " (namespace '" + settings.namespace() + "')");
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  private static ReefBackend backend(Settings settings, String role) {
    URI uri = parse(settings.uri());
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("amqp") || scheme.equals("amqps")) {
      AmqpBackend.Builder builder = AmqpBackend.builder().uri(uri).namespace(settings.namespace())
          .connectionName("reef-" + role);
      if (settings.presenceHeartbeat() != null) {
        builder.presenceHeartbeat(settings.presenceHeartbeat());
      }
      return builder.build();
    }
    for (ReefBackendProvider provider : ServiceLoader.load(ReefBackendProvider.class)) {
      if (provider.supports(uri)) {
        return provider.create(uri, settings.namespace());
      }
    }
    throw new IllegalArgumentException("no backend for URI " + settings.maskedUri()
        + ": use amqp://user:password@host:5672/vhost, amqps://... or memory:");
  }

  private static URI parse(String uri) {
    try {
      // "memory:" alone is not a valid java.net.URI; "memory:/" is the same private broker.
      URI parsed = URI.create("memory:".equals(uri) ? "memory:/" : uri);
      if (parsed.getScheme() == null) {
        throw new IllegalArgumentException("no scheme");
      }
      return parsed;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid backend URI " + Secrets.mask(uri)
          + ": expected amqp://user:password@host:5672/vhost, amqps://... or memory:");
    }
  }

  /** The Reef. */
  public Reef reef() {
    return reef;
  }

  /** True when connected to a broker through the AMQP backend. */
  public boolean isAmqp() {
    return amqp != null;
  }

  /**
   * Every agent instance AMQP presence knows of, online or silent.
   *
   * @throws IllegalStateException when the backend is not AMQP
   */
  public List<AgentPresence> presence() {
    if (amqp == null) {
      throw new IllegalStateException("presence needs the AMQP backend; this is " + description);
    }
    return amqp.presence();
  }

  /** The AMQP backend, or null on another backend. */
  public AmqpBackend amqpBackend() {
    return amqp;
  }

  /** Who runs on which channel, as far as the backend knows. */
  public Directory directory() {
    return backend.directory();
  }

  /** The masked URI and the namespace, for messages. */
  public String describe() {
    return description;
  }

  /** Closes the Reef (draining its agents) and its backend. */
  @Override
  public void close() {
    reef.close();
  }

  @Override
  public String toString() {
    return "ReefConnection[" + description + "]";
  }
}
