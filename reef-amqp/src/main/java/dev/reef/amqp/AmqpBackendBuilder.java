package dev.reef.amqp;

import dev.reef.ReefException;
import dev.reef.spore.Names;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Builds an {@link AmqpBackend}. Settings set here win over the same settings in the URI's query;
 * the others keep their {@linkplain AmqpOption#defaultValue() defaults}.
 */
public final class AmqpBackendBuilder {
  private URI uri = URI.create("amqp://localhost");
  private String namespace = "reef";
  private final Map<AmqpOption<?>, Object> explicit = new HashMap<>();
  private SSLContext sslContext;

  AmqpBackendBuilder() {}

  /**
   * The broker, e.g. {@code amqp://user:password@host:5672/vhost?queue_type=quorum}.
   *
   * @throws IllegalArgumentException when it is not an AMQP URI, or its query holds an unknown or
   *     invalid setting; the message never quotes a password
   */
  public AmqpBackendBuilder uri(String uri) {
    Objects.requireNonNull(uri, "uri");
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      // The message of URI.create quotes the URI, password included: do not repeat it.
      throw new IllegalArgumentException("invalid AMQP URI: it must look like amqp://user:password@host:5672/vhost");
    }
    return uri(parsed);
  }

  /** The broker URI; see {@link #uri(String)}. */
  public AmqpBackendBuilder uri(URI uri) {
    AmqpOptions.of(uri, namespace); // checks it now, where the mistake is
    this.uri = uri;
    return this;
  }

  /** The namespace prefixing every broker object (default {@code reef}; Praval's is {@code praval}). */
  public AmqpBackendBuilder namespace(String namespace) {
    this.namespace = Names.require("namespace", namespace);
    return this;
  }

  /**
   * Sets {@code option} to {@code value}, winning over the URI's query.
   *
   * @throws IllegalArgumentException when the value is invalid for the option
   */
  public <T> AmqpBackendBuilder set(AmqpOption<T> option, T value) {
    Objects.requireNonNull(option, "option");
    explicit.put(option, option.check(value));
    return this;
  }

  /** For {@code amqps}: the complete TLS context to use (wins over the CA and key store options). */
  public AmqpBackendBuilder sslContext(SSLContext context) {
    this.sslContext = Objects.requireNonNull(context, "sslContext");
    return this;
  }

  /**
   * The settings as they stand, without connecting.
   *
   * @throws IllegalArgumentException when they do not fit together (TLS options without amqps)
   */
  public AmqpOptions options() {
    return AmqpOptions.of(uri, namespace, explicit, sslContext);
  }

  /**
   * Connects.
   *
   * @throws IllegalArgumentException when a setting is invalid
   * @throws ReefException when the broker cannot be reached or refuses the connection
   */
  public AmqpBackend build() {
    return AmqpBackend.connect(options());
  }
}
