package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Messages exactly as Praval 0.8's RabbitMQ backend ({@code Spore.to_amqp_message}, Python aio-pika)
 * publishes them: string headers with naive timestamps from {@code datetime.isoformat()}, no Reef
 * headers, and properties message_id, timestamp (whole seconds), priority, delivery_mode 2 and
 * content_type; no correlation_id or reply_to.
 */
final class PravalMessages {
  /** Python's {@code datetime.isoformat()} of a naive datetime with microseconds. */
  private static final DateTimeFormatter ISOFORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

  private PravalMessages() {}

  /** The headers Praval writes; {@code toAgent} and {@code replyTo} may be null. */
  static Map<String, Object> headers(String id, String type, String fromAgent, String toAgent, String replyTo) {
    LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("spore_id", id);
    headers.put("spore_type", type);
    headers.put("from_agent", fromAgent);
    headers.put("to_agent", toAgent == null ? "" : toAgent);
    headers.put("created_at", ISOFORMAT.format(now));
    headers.put("expires_at", "");
    headers.put("priority", "5");
    headers.put("reply_to", replyTo == null ? "" : replyTo);
    headers.put("version", "1.0");
    return headers;
  }

  /** The properties Praval writes around {@code headers}. */
  static AMQP.BasicProperties properties(Map<String, Object> headers) {
    return new AMQP.BasicProperties.Builder()
        .headers(headers)
        .messageId(headers.get("spore_id").toString())
        .timestamp(new Date(System.currentTimeMillis() / 1000 * 1000))
        .priority(Integer.parseInt(headers.get("priority").toString()))
        .deliveryMode(2)
        .contentType("application/json")
        .build();
  }

  static String newId() {
    return UUID.randomUUID().toString();
  }
}
