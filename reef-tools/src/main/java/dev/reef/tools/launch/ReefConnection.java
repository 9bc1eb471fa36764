package dev.reef.tools.launch;

import dev.reef.AgentDirectory;
import dev.reef.Reef;
import dev.reef.tools.internal.Secrets;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * A {@link Reef} connected as {@link Settings} say, for the launcher and the command-line tools. The
 * backend is whichever module on the class path serves the URI's scheme ({@code memory:}, {@code
 * amqp://...}): the tools only use the {@code Reef} API, its {@linkplain Reef#directory() directory}
 * included, so they work the same on every backend.
 */
public final class ReefConnection implements AutoCloseable {
  private final Reef reef;
  private final String description;

  private ReefConnection(Reef reef, String description) {
    this.reef = reef;
    this.description = description;
  }

  /**
   * Connects.
   *
   * @param settings resolved settings (URI, namespace and drain timeout set)
   * @param registry where the Reef registers its meters
   * @throws IllegalArgumentException when the URI is invalid or no backend serves it (the message
   *     masks its password)
   * @throws dev.reef.ReefException when the broker cannot be reached
   */
  public static ReefConnection open(Settings settings, MeterRegistry registry) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(settings.uri(), "settings.uri");
    Objects.requireNonNull(settings.namespace(), "settings.namespace");
    Objects.requireNonNull(settings.drainTimeout(), "settings.drainTimeout");
    Reef.Builder builder;
    try {
      builder = Reef.builder().uri(settings.uri()).namespace(settings.namespace()).meterRegistry(registry)
          .drainTimeout(settings.drainTimeout());
      if (settings.heartbeat() != null) {
        builder.heartbeat(settings.heartbeat());
      }
    } catch (IllegalArgumentException e) {
      throw invalid(settings, e);
    }
    try {
      return new ReefConnection(builder.build(), settings.maskedUri() + " (namespace '" + settings.namespace() + "')");
    } catch (IllegalArgumentException e) {
      throw invalid(settings, e); // e.g. no backend on the class path serves the scheme
    }
  }

  /** What the builder or the backend found wrong with the URI, with the URI, its password masked. */
  private static IllegalArgumentException invalid(Settings settings, IllegalArgumentException e) {
    return new IllegalArgumentException("backend URI " + settings.maskedUri() + ": " + Secrets.mask(e.getMessage())
        + " (expected amqp://user:password@host:5672/vhost, amqps://... or memory:)", e);
  }

  /** The Reef. */
  public Reef reef() {
    return reef;
  }

  /** Who runs where in the namespace, on any backend. */
  public AgentDirectory directory() {
    return reef.directory();
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
