package dev.reef.conformance;

import dev.reef.Observation;
import dev.reef.SporeObserver;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.ForwardingBackend;
import dev.reef.spi.Outbound;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A backend that tells an {@link AmqpTopology} which channels, agent queues and retry delays it
 * uses, and otherwise changes nothing: every call and every delivery goes through as it is.
 */
final class RecordingBackend extends ForwardingBackend {
  private final AmqpTopology topology;

  RecordingBackend(ReefBackend delegate, AmqpTopology topology) {
    super(delegate);
    this.topology = topology;
  }

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    topology.usedChannel(message.channel());
    return super.publish(message);
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    topology.usedAgentQueue(spec.channel(), spec.agentName());
    return super.consume(spec, new DeliveryHandler() {
      @Override
      public void onDelivery(Delivery delivery) {
        handler.onDelivery(new RecordingDelivery(delivery));
      }

      @Override
      public void onUndecodable(String reason) {
        handler.onUndecodable(reason);
      }
    });
  }

  @Override
  public dev.reef.spi.HistoryLog history(String channel) {
    topology.usedChannel(channel); // its stream, ns.CHANNEL.history, is deleted after the run
    return super.history(channel);
  }

  @Override
  public Observation observe(String channel, SporeObserver observer) {
    topology.usedChannel(channel);
    return super.observe(channel, observer);
  }

  /** A delivery that notes the delay of its retry, whose queue is named after it. */
  private final class RecordingDelivery implements Delivery {
    private final Delivery delegate;

    RecordingDelivery(Delivery delegate) {
      this.delegate = delegate;
    }

    @Override
    public Spore spore() {
      return delegate.spore();
    }

    @Override
    public String channel() {
      return delegate.channel();
    }

    @Override
    public String replyAddress() {
      return delegate.replyAddress();
    }

    @Override
    public int attempt() {
      return delegate.attempt();
    }

    @Override
    public boolean redelivered() {
      return delegate.redelivered();
    }

    @Override
    public int deliveryCount() {
      return delegate.deliveryCount();
    }

    @Override
    public Optional<String> verifiedUserId() {
      return delegate.verifiedUserId();
    }

    @Override
    public void ack() {
      delegate.ack();
    }

    @Override
    public void retry(Duration delay, String error) {
      topology.usedRetryDelay(delay.toMillis());
      delegate.retry(delay, error);
    }

    @Override
    public void deadLetter(DeadLetterReason reason) {
      delegate.deadLetter(reason);
    }

    @Override
    public void requeue() {
      delegate.requeue();
    }
  }
}
