package dev.reef.amqp;

import dev.reef.ReefException;
import dev.reef.UnknownDestinationException;
import dev.reef.spi.Outbound;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Turns spores into messages on their way (SPEC §4, §5): to a channel's exchange with the routing key
 * of their recipient (or of everyone), or straight to a reply address. Each send has one deadline,
 * {@code send_wait_ms} from its start, for everything its caller may wait on: declaring the channel's
 * exchange on first use, room among unconfirmed sends, the channel.
 */
final class SporeSender implements MessageSender {
  private final Topology topology;
  private final ConfirmingPublisher publisher;
  private final SporeCodec codec;
  private final Duration sendWait;

  SporeSender(Topology topology, ConfirmingPublisher publisher, SporeCodec codec, Duration sendWait) {
    this.topology = topology;
    this.publisher = publisher;
    this.codec = codec;
    this.sendWait = sendWait;
  }

  /** See {@link dev.reef.spi.ReefBackend#publish}. */
  CompletableFuture<Void> publish(Outbound message) {
    long deadline = deadline();
    Spore spore = message.spore();
    String exchange;
    try {
      exchange = topology.channelExchange(message.channel(), deadline);
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    SporeCodec.Encoded encoded = encode(spore, message.replyAddress(), message.attempt());
    String target = message.targetAgent();
    String routingKey = target != null
        ? BrokerNames.directedKey(target, spore.type())
        : BrokerNames.broadcastKey(spore.type());
    Supplier<RuntimeException> ifReturned = target == null
        ? null // a broadcast nobody listens to is not an error
        : () -> new UnknownDestinationException(message.channel(), target);
    String description = spore.type().wireValue() + " spore " + spore.id()
        + (target != null ? " to agent '" + target + "'" : " to every agent") + " on channel '" + message.channel() + "'";
    return publisher.publish(new OutgoingMessage(exchange, routingKey, encoded.properties(), encoded.body(), ifReturned,
        description), deadline);
  }

  /** See {@link dev.reef.spi.ReefBackend#sendReply}. */
  CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    if (replyAddress == null || replyAddress.isEmpty() || replyAddress.length() > BrokerNames.MAX_NAME_BYTES) {
      throw new IllegalArgumentException("invalid reply address '" + replyAddress + "': expected a queue name");
    }
    SporeCodec.Encoded encoded = encode(reply, null, 1);
    return publisher.publish(new OutgoingMessage("", replyAddress, encoded.properties(), encoded.body(),
        () -> new UnknownDestinationException("reply address '" + replyAddress
            + "' no longer exists: the requester closed, or lost its connection"),
        "reply " + reply.id() + " to request " + reply.replyTo()), deadline());
  }

  @Override
  public CompletableFuture<Void> send(OutgoingMessage message) {
    return publisher.publish(message, deadline());
  }

  private SporeCodec.Encoded encode(Spore spore, String replyAddress, int attempt) {
    SporeCodec.Encoded encoded = codec.encode(spore, replyAddress, attempt, Instant.now());
    if (encoded.body().length > codec.maxBodyBytes()) {
      throw new InvalidSporeException("knowledge", "encoded size " + encoded.body().length
          + " bytes exceeds the AMQP backend's limit of " + codec.maxBodyBytes() + " bytes");
    }
    return encoded;
  }

  private long deadline() {
    return System.nanoTime() + sendWait.toNanos();
  }
}
