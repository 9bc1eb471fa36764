package dev.reef.amqp;

import dev.reef.spi.BackendContext;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Makes {@code amqp://} and {@code amqps://} URIs select the RabbitMQ backend, so that {@code
 * Reef.builder().uri("amqp://host")} needs nothing else on the class path than this module. The
 * URI's query takes the settings of {@link AmqpOption}.
 */
public final class AmqpBackendProvider implements ReefBackendProvider {

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public AmqpBackendProvider() {}

  @Override
  public boolean supports(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("amqp") || scheme.equals("amqps");
  }

  @Override
  public ReefBackend create(URI uri, BackendContext context) {
    Objects.requireNonNull(context, "context");
    return AmqpBackend.connect(AmqpOptions.of(uri, context.namespace()), context.json(), context.meters());
  }
}
