package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One message for {@link ConfirmingPublisher}.
 *
 * @param exchange where it goes ({@code ""} for the default exchange)
 * @param routingKey how the exchange routes it
 * @param properties its properties; {@code message_id} identifies a returned message
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
}
