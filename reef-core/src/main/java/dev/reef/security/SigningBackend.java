package dev.reef.security;

import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.Outbound;
import dev.reef.spi.ForwardingBackend;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Spore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend with a {@link SporeSigning} policy applied at its edge: spores are signed on their way
 * out and verified on their way in, so the rest of Reef (and every backend) is untouched by it.
 * Verification runs on the backend's delivery thread, before a spore reaches its agent's pipeline,
 * so a rejected spore never takes a worker, a duplicate-window slot or a retry.
 */
final class SigningBackend extends ForwardingBackend {
  private static final Logger LOG = LoggerFactory.getLogger(SigningBackend.class);
  /** The channel tag of a rejected reply: replies come through a Reef's reply address, not a channel. */
  private static final String REPLIES = "-";

  private final SporeSigning signing;
  private final MeterRegistry meters;

  SigningBackend(ReefBackend backend, SporeSigning signing, MeterRegistry meters) {
    super(backend);
    this.signing = signing;
    this.meters = meters;
  }

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    if (!signing.signs()) {
      return delegate().publish(message);
    }
    return delegate().publish(new Outbound(message.channel(), signing.sign(message.spore()), message.targetAgent(),
        message.replyAddress(), message.attempt()));
  }

  @Override
  public CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    return delegate().sendReply(replyAddress, signing.signs() ? signing.sign(reply) : reply);
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    return delegate().consume(spec, signing.verifies() ? new Verifying(spec, handler) : handler);
  }

  @Override
  public ReplyEndpoint openReplyEndpoint(ReplyHandler handler) {
    if (!signing.verifies()) {
      return delegate().openReplyEndpoint(handler);
    }
    return delegate().openReplyEndpoint(reply -> {
      SporeSigning.Rejection rejection = signing.check(reply);
      if (rejection == null) {
        handler.onReply(SporeSigning.withoutSignature(reply));
      } else {
        rejected(REPLIES, reply.toAgent(), rejection);
        LOG.warn("rejected reply {} to request {}: {}; dropped, so the request times out", reply.id(), reply.replyTo(),
            rejection.reason());
      }
    });
  }







  private void rejected(String channel, String agent, SporeSigning.Rejection rejection) {
    Counter.builder(SporeSigning.REJECTED_METER)
        .description("Spores that failed signature verification and were never handled")
        .tag("channel", channel)
        .tag("agent", agent == null ? "-" : agent)
        .tag("reason", rejection.kind())
        .register(meters)
        .increment();
  }

  @Override
  public String toString() {
    return delegate() + " with " + signing;
  }

  /** Lets only verified spores through to an agent; dead-letters the others. */
  private final class Verifying implements DeliveryHandler {
    private final ConsumerSpec spec;
    private final DeliveryHandler handler;

    Verifying(ConsumerSpec spec, DeliveryHandler handler) {
      this.spec = spec;
      this.handler = handler;
    }

    @Override
    public void onDelivery(Delivery delivery) {
      Spore spore = delivery.spore();
      SporeSigning.Rejection rejection = signing.check(spore);
      if (rejection == null) {
        handler.onDelivery(new VerifiedDelivery(delivery, SporeSigning.withoutSignature(spore)));
        return;
      }
      rejected(spec.channel(), spec.agentName(), rejection);
      LOG.warn("agent '{}' on '{}' rejected spore {}: {}; dead-lettered", spec.agentName(), spec.channel(), spore.id(),
          rejection.reason());
      try {
        delivery.deadLetter(new DeadLetterReason("rejected: " + rejection.reason(), 0, spec.agentName()));
      } catch (RuntimeException e) {
        LOG.error("agent '{}' could not dead-letter rejected spore {}: {}", spec.agentName(), spore.id(), e.toString());
      }
    }

    @Override
    public void onUndecodable(String reason) {
      handler.onUndecodable(reason);
    }
  }

  /** A verified delivery: the spore as its sender made it; settling goes to the original, signature and all. */
  private record VerifiedDelivery(Delivery delivery, Spore spore) implements Delivery {
    @Override
    public String channel() {
      return delivery.channel();
    }

    @Override
    public String replyAddress() {
      return delivery.replyAddress();
    }

    @Override
    public int attempt() {
      return delivery.attempt();
    }

    @Override
    public boolean redelivered() {
      return delivery.redelivered();
    }

    @Override
    public String verifiedUserId() {
      return delivery.verifiedUserId();
    }

    @Override
    public void ack() {
      delivery.ack();
    }

    @Override
    public void retry(Duration delay, String error) {
      delivery.retry(delay, error);
    }

    @Override
    public void deadLetter(DeadLetterReason reason) {
      delivery.deadLetter(reason);
    }

    @Override
    public void requeue() {
      delivery.requeue();
    }
  }
}
