package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import dev.reef.DeadLetter;
import dev.reef.DeadLetters;
import dev.reef.ReefException;
import dev.reef.codec.Timestamps;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Outbound;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of a namespace: the durable queue {@code ns.dead}, fed by the fanout exchange of
 * the same name (SPEC §3.9, §5).
 *
 * <p>A dead letter is the spore's own message (or, for a message that was not a spore, the raw
 * message) with headers saying why: {@value #ERROR}, {@value #ATTEMPTS}, {@value #AGENT}, {@value
 * #CHANNEL}, {@value #AT}, and an id, {@value #ID}, for {@link #replay}.
 *
 * <p>Listing reads the queue with {@code basic.get} on a channel of its own and closes that channel,
 * which puts every message back in place: nothing is consumed and the queue stays the single source
 * of truth, readable by any tool. It costs one round trip per dead letter, which is fine for a queue
 * that someone is meant to look at and empty.
 */
final class AmqpDeadLetters implements DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpDeadLetters.class);

  static final String ID = "x-reef-dead-id";
  static final String ERROR = "x-reef-dead-error";
  static final String ATTEMPTS = "x-reef-dead-attempts";
  static final String AGENT = "x-reef-dead-agent";
  static final String CHANNEL = "x-reef-dead-channel";
  static final String AT = "x-reef-dead-at";
  static final String ORIGINAL_SIZE = "x-reef-dead-original-size";

  /** How much of an oversized body a dead letter keeps: enough to see what it was. */
  static final int KEPT_BODY_BYTES = 64 * 1024;
  /** How much of an undecodable body {@link DeadLetter#rawPayload()} shows. */
  static final int SHOWN_PAYLOAD_CHARS = 4096;
  /** The most dead letters one {@link #list()} returns, so that a flood cannot exhaust memory. */
  static final int MAX_LISTED = 10_000;

  private final Connection connection;
  private final Topology topology;
  private final ConfirmingPublisher publisher;
  private final SporeCodec codec;
  private final Function<Outbound, CompletableFuture<Void>> resend;
  private final Object readLock = new Object();

  AmqpDeadLetters(Connection connection, Topology topology, ConfirmingPublisher publisher, SporeCodec codec,
      Function<Outbound, CompletableFuture<Void>> resend) {
    this.connection = connection;
    this.topology = topology;
    this.publisher = publisher;
    this.codec = codec;
    this.resend = resend;
  }

  /** Dead-letters a spore a handler gave up on. */
  CompletableFuture<Void> write(String channel, Spore spore, String replyAddress, DeadLetterReason reason) {
    SporeCodec.Encoded encoded = codec.encode(spore, replyAddress, Math.max(1, reason.attempts()), Instant.now());
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    addReason(headers, channel, reason.agent(), reason.error(), reason.attempts());
    AMQP.BasicProperties properties = encoded.properties().builder()
        .expiration(null) // a dead letter waits for a person, however stale its spore
        .headers(headers)
        .build();
    return send(channel, properties, encoded.body(), "dead letter of spore " + spore.id());
  }

  /** Dead-letters a message that is not a spore, keeping it as it came (an oversized body cut short). */
  CompletableFuture<Void> writeUndecodable(String channel, String agent, AMQP.BasicProperties original, byte[] body,
      String reason) {
    Map<String, Object> headers = new HashMap<>();
    if (original != null && original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    addReason(headers, channel, agent, reason, 0);
    byte[] kept = body == null ? new byte[0] : body;
    if (kept.length > codec.maxBodyBytes()) {
      headers.put(ORIGINAL_SIZE, Integer.toString(kept.length));
      kept = Arrays.copyOf(kept, KEPT_BODY_BYTES);
    }
    AMQP.BasicProperties.Builder properties = (original != null ? original.builder() : new AMQP.BasicProperties.Builder())
        .expiration(null)
        .userId(null) // the original's publisher is not ours: RabbitMQ would refuse the copy and close the channel
        .deliveryMode(SporeCodec.PERSISTENT)
        .headers(headers);
    if (original == null || original.getMessageId() == null) {
      properties.messageId(headers.get(ID).toString());
    }
    return send(channel, properties.build(), kept, "dead letter of a message that is not a spore (" + reason + ")");
  }

  private static void addReason(Map<String, Object> headers, String channel, String agent, String error, int attempts) {
    headers.put(ID, UUID.randomUUID().toString());
    headers.put(ERROR, error);
    headers.put(ATTEMPTS, Integer.toString(attempts));
    headers.put(AGENT, agent);
    headers.put(CHANNEL, channel);
    headers.put(AT, Timestamps.format(Instant.now()));
  }

  private CompletableFuture<Void> send(String channel, AMQP.BasicProperties properties, byte[] body, String what) {
    String exchange = topology.deadLetters();
    return publisher.publish(new OutgoingMessage(exchange, channel, properties, body,
        () -> new ReefException("the dead-letter queue " + exchange + " is gone; could not keep the " + what), what));
  }

  @Override
  public List<DeadLetter> list() {
    List<DeadLetter> letters = new ArrayList<>();
    read(response -> {
      letters.add(toDeadLetter(response));
      return letters.size() < MAX_LISTED;
    });
    if (letters.size() >= MAX_LISTED) {
      LOG.warn("listing only the first {} dead letters of {}", MAX_LISTED, topology.names().dead());
    }
    return letters;
  }

  @Override
  public CompletableFuture<Void> replay(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (readLock) {
      Channel channel = openChannel();
      boolean keepOpen = false;
      try {
        GetResponse found = null;
        GetResponse response;
        while ((response = channel.basicGet(topology.deadLetters(), false)) != null) {
          if (id.equals(header(response, ID))) {
            found = response;
            break;
          }
        }
        if (found == null) {
          throw new IllegalArgumentException("there is no dead letter with id '" + id + "' in "
              + topology.names().dead());
        }
        DeadLetter letter = toDeadLetter(found);
        if (letter.spore() == null) {
          throw new IllegalArgumentException("dead letter '" + id + "' has no spore to replay: " + letter.error());
        }
        if (letter.channel() == null || letter.agent() == null) {
          throw new IllegalArgumentException("dead letter '" + id + "' does not say which channel and agent it came from");
        }
        long tag = found.getEnvelope().getDeliveryTag();
        CompletableFuture<Void> sent = resend.apply(new Outbound(letter.channel(), letter.spore(), letter.agent(), null, 1));
        keepOpen = true;
        // Remove the dead letter only once the broker has the replayed spore; closing puts back the rest.
        return sent.whenComplete((ok, error) -> {
          try {
            if (error == null) {
              channel.basicAck(tag, false);
            }
          } catch (IOException | RuntimeException e) {
            LOG.warn("replayed dead letter {} but could not remove it: {}", id, e.toString());
          } finally {
            closeQuietly(channel);
          }
        });
      } catch (IOException e) {
        throw new ReefException("could not read the dead letters: " + Topology.brokerReason(e), e);
      } finally {
        if (!keepOpen) {
          closeQuietly(channel);
        }
      }
    }
  }

  @Override
  public int purge() {
    return topology.purge(topology.deadLetters());
  }

  /** Reads dead letters in order while {@code visitor} returns true, then puts them all back. */
  private void read(Function<GetResponse, Boolean> visitor) {
    synchronized (readLock) {
      Channel channel = openChannel();
      try {
        String queue = topology.deadLetters();
        GetResponse response;
        while ((response = channel.basicGet(queue, false)) != null) {
          if (!visitor.apply(response)) {
            break;
          }
        }
      } catch (IOException e) {
        throw new ReefException("could not read the dead letters: " + Topology.brokerReason(e), e);
      } finally {
        closeQuietly(channel);
      }
    }
  }

  private DeadLetter toDeadLetter(GetResponse response) {
    AMQP.BasicProperties properties = response.getProps();
    byte[] body = response.getBody();
    SporeCodec.Decoded decoded = codec.decode(properties, body);
    Spore spore = decoded instanceof SporeCodec.Decoded.Valid valid ? valid.spore() : null;
    String raw = spore != null ? null : preview(body);
    String id = header(response, ID);
    if (id == null) {
      id = properties.getMessageId() != null ? properties.getMessageId() : "unknown";
    }
    String error = header(response, ERROR);
    if (error == null && decoded instanceof SporeCodec.Decoded.Malformed malformed) {
      error = malformed.reason();
    }
    return new DeadLetter(id, spore, raw, header(response, CHANNEL), header(response, AGENT),
        error == null ? "unknown" : error, attempts(header(response, ATTEMPTS)), deadLetteredAt(response));
  }

  private static Instant deadLetteredAt(GetResponse response) {
    String at = header(response, AT);
    if (at != null) {
      try {
        return Timestamps.parse(at);
      } catch (IllegalArgumentException e) {
        LOG.debug("dead letter with an unreadable time '{}'", at);
      }
    }
    java.util.Date timestamp = response.getProps().getTimestamp();
    return timestamp == null ? Instant.EPOCH : timestamp.toInstant();
  }

  private static int attempts(String text) {
    if (text == null) {
      return 0;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String header(GetResponse response, String name) {
    Map<String, Object> headers = response.getProps().getHeaders();
    Object value = headers == null ? null : headers.get(name);
    return value instanceof LongString || value instanceof String ? value.toString() : null;
  }

  private static String preview(byte[] body) {
    if (body == null) {
      return "";
    }
    String text = new String(body, 0, Math.min(body.length, SHOWN_PAYLOAD_CHARS * 4), StandardCharsets.UTF_8);
    return text.length() <= SHOWN_PAYLOAD_CHARS ? text : text.substring(0, SHOWN_PAYLOAD_CHARS) + "...";
  }

  private Channel openChannel() {
    try {
      Channel channel = connection.createChannel();
      if (channel == null) {
        throw new ReefException("the broker has no channel left for this connection");
      }
      return channel;
    } catch (IOException e) {
      throw new ReefException("could not open a channel to read the dead letters: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Channel channel) {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      LOG.debug("closing a dead-letter channel: {}", e.toString());
    }
  }
}
