package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One message for {@link ConfirmingPublisher}.
 *
 * @param exchange where it goes ({@code ""} for the default exchange)
 * @param routingKey how the exchange routes it
 * @param properties its properties
 * @param body its body
 * @param ifReturned for a mandatory publish, the failure when the broker returns it as unroutable;
 *     null publishes without the mandatory flag
 * @param description what it is, for error messages and logs
 */
record OutgoingMessage(
    String exchange,
    String routingKey,
    AMQP.BasicProperties properties,
    byte[] body,
    Supplier<? extends RuntimeException> ifReturned,
    String description) {

  /**
   * The header of a mandatory publish that carries its publish sequence number (the delivery tag of
   * its confirm): a message the broker returns says which publish it was, as basic.return itself
   * does not. Receivers ignore it.
   */
  static final String SEQUENCE_HEADER = "reef_publish_seq";

  OutgoingMessage {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(routingKey, "routingKey");
    Objects.requireNonNull(properties, "properties");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(description, "description");
  }

  boolean mandatory() {
    return ifReturned != null;
  }

  /** The properties to publish with as publish {@code sequence} of its channel. */
  AMQP.BasicProperties propertiesFor(long sequence) {
    if (!mandatory()) {
      return properties;
    }
    Map<String, Object> headers = properties.getHeaders() == null ? new HashMap<>()
        : new HashMap<>(properties.getHeaders());
    headers.put(SEQUENCE_HEADER, sequence);
    return properties.builder().headers(headers).build();
  }

  /** The publish sequence number a returned message carries, or -1. */
  static long sequenceOf(AMQP.BasicProperties returned) {
    Map<String, Object> headers = returned == null ? null : returned.getHeaders();
    return headers != null && headers.get(SEQUENCE_HEADER) instanceof Number number ? number.longValue() : -1;
  }
}
