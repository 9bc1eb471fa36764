package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.reef.DeadLetter;
import dev.reef.ReefException;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.Outbound;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of a namespace: the durable queue {@code ns.dead}, fed by the fanout exchange of
 * the same name (SPEC §3.9, §5), in the format of {@link DeadLetterFormat}.
 *
 * <p>Listing reads the queue with {@code basic.get} on a channel of its own and closes that channel,
 * which puts every message back in place: nothing is consumed and the queue stays the single source
 * of truth, readable by any tool. It costs one round trip per dead letter, which is fine for a queue
 * that someone is meant to look at and empty.
 */
final class AmqpDeadLetters implements DeadLetterStore, DeadLetterWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpDeadLetters.class);
  /** The most dead letters one {@link #list()} returns, so that a flood cannot exhaust memory. */
  static final int MAX_LISTED = 10_000;

  private final Connection connection;
  private final Topology topology;
  private final MessageSender sender;
  private final SporeCodec codec;
  private final Function<Outbound, CompletableFuture<Void>> resend;
  private final Object readLock = new Object();

  /**
   * @param connection where listing and replay open their channels
   * @param resend publishes a replayed spore as a first attempt
   */
  AmqpDeadLetters(Connection connection, Topology topology, MessageSender sender, SporeCodec codec,
      Function<Outbound, CompletableFuture<Void>> resend) {
    this.connection = connection;
    this.topology = topology;
    this.sender = sender;
    this.codec = codec;
    this.resend = resend;
  }

  @Override
  public CompletableFuture<Void> write(String channel, Spore spore, String replyAddress, DeadLetterReason reason) {
    SporeCodec.Encoded encoded = codec.encode(spore, replyAddress, Math.max(1, reason.attempts()), Instant.now());
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    DeadLetterFormat.addReason(headers, channel, reason.agent(), reason.error(), reason.attempts());
    AMQP.BasicProperties properties = encoded.properties().builder()
        .expiration(null) // a dead letter waits for a person, however stale its spore
        .headers(headers)
        .build();
    return send(channel, properties, encoded.body(), "dead letter of spore " + spore.id());
  }

  @Override
  public CompletableFuture<Void> writeUndecodable(String channel, String agent, AMQP.BasicProperties original,
      byte[] body, String reason) {
    Map<String, Object> headers = new HashMap<>();
    if (original != null && original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    String id = DeadLetterFormat.addReason(headers, channel, agent, reason, 0);
    byte[] kept = body == null ? new byte[0] : body;
    if (kept.length > codec.maxBodyBytes()) {
      headers.put(DeadLetterFormat.ORIGINAL_SIZE, Integer.toString(kept.length));
      kept = Arrays.copyOf(kept, DeadLetterFormat.KEPT_BODY_BYTES);
    }
    AMQP.BasicProperties.Builder properties = (original != null ? original.builder() : new AMQP.BasicProperties.Builder())
        .expiration(null)
        .userId(null) // the original's publisher is not ours: RabbitMQ would refuse the copy and close the channel
        .deliveryMode(SporeCodec.PERSISTENT)
        .headers(headers);
    if (original == null || original.getMessageId() == null) {
      properties.messageId(id);
    }
    return send(channel, properties.build(), kept, "dead letter of a message that is not a spore (" + reason + ")");
  }

  private CompletableFuture<Void> send(String channel, AMQP.BasicProperties properties, byte[] body, String what) {
    String exchange;
    try {
      exchange = topology.deadLetters();
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sender.send(new OutgoingMessage(exchange, channel, properties, body,
        () -> new ReefException("the dead-letter queue " + exchange + " is gone; could not keep the " + what), what));
  }

  @Override
  public List<DeadLetter> list() {
    List<DeadLetter> letters = new ArrayList<>();
    synchronized (readLock) {
      Channel channel = openChannel();
      try {
        GetResponse response;
        while (letters.size() < MAX_LISTED && (response = next(channel)) != null) {
          letters.add(DeadLetterFormat.read(response.getProps(), response.getBody(), codec));
        }
      } finally {
        Quietly.close(channel, "a dead-letter channel"); // puts every message back in place
      }
    }
    if (letters.size() >= MAX_LISTED) {
      LOG.warn("listing only the first {} dead letters of {}", MAX_LISTED, topology.names().dead());
    }
    return letters;
  }

  @Override
  public CompletableFuture<Void> replay(String id, Consumer<DeadLetter> check) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(check, "check");
    synchronized (readLock) {
      Channel channel = openChannel();
      boolean keepOpen = false;
      try {
        GetResponse found = find(channel, response -> id.equals(DeadLetterFormat.header(response.getProps(),
            DeadLetterFormat.ID)));
        if (found == null) {
          throw new IllegalArgumentException("there is no dead letter with id '" + id + "' in "
              + topology.names().dead());
        }
        DeadLetter letter = DeadLetterFormat.read(found.getProps(), found.getBody(), codec);
        if (letter.spore().isEmpty()) {
          throw new IllegalArgumentException("dead letter '" + id + "' has no spore to replay: " + letter.error());
        }
        if (!Names.isValid(letter.channel()) || !Names.isValid(letter.agent())) {
          throw new IllegalArgumentException("dead letter '" + id + "' does not say which channel and agent it came"
              + " from");
        }
        try {
          check.accept(letter);
        } catch (RuntimeException refused) {
          return CompletableFuture.failedFuture(refused); // closing the channel puts the dead letter back
        }
        long tag = found.getEnvelope().getDeliveryTag();
        CompletableFuture<Void> sent = resend.apply(
            new Outbound(letter.channel(), letter.spore().get(), letter.agent(), null, 1));
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
            Quietly.close(channel, "a dead-letter channel");
          }
        });
      } finally {
        if (!keepOpen) {
          Quietly.close(channel, "a dead-letter channel");
        }
      }
    }
  }

  @Override
  public int purge() {
    return topology.purge(topology.deadLetters());
  }

  private GetResponse find(Channel channel, Predicate<GetResponse> wanted) {
    GetResponse response;
    while ((response = next(channel)) != null) {
      if (wanted.test(response)) {
        return response;
      }
    }
    return null;
  }

  private GetResponse next(Channel channel) {
    try {
      return channel.basicGet(topology.deadLetters(), false);
    } catch (IOException e) {
      throw new ReefException("could not read the dead letters: " + Topology.brokerReason(e), e);
    }
  }

  private Channel openChannel() {
    try {
      Channel channel = connection.createChannel();
      if (channel == null) {
        throw new ReefException("the broker has no channel left for this connection");
      }
      return channel;
    } catch (IOException e) {
      throw new ReefException("could not open a channel to read the dead letters: " + Topology.brokerReason(e), e);
    }
  }
}
