package dev.reef.security;

import dev.reef.DeadLetters;
import dev.reef.SporeObserver;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.Directory;
import dev.reef.spi.Observation;
import dev.reef.spi.Outbound;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A backend that records what goes out and lets a test hand spores in, as a broker would. */
final class RecordingBackend implements ReefBackend {
  final List<Outbound> published = new CopyOnWriteArrayList<>();
  final List<Spore> replies = new CopyOnWriteArrayList<>();
  final List<DeliveryHandler> consumers = new CopyOnWriteArrayList<>();
  volatile ReplyHandler replyHandler;

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    published.add(message);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    consumers.add(handler);
    return new ConsumerHandle() {
      @Override
      public void cancel() {}

      @Override
      public void close() {}
    };
  }

  @Override
  public ReplyEndpoint openReplyEndpoint(ReplyHandler handler) {
    replyHandler = handler;
    return new ReplyEndpoint() {
      @Override
      public String address() {
        return "recording-replies";
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    replies.add(reply);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Observation observe(String channel, SporeObserver observer) {
    throw new UnsupportedOperationException("not needed");
  }

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public DeadLetters deadLetters() {
    throw new UnsupportedOperationException("not needed");
  }

  @Override
  public Directory directory() {
    return new Directory() {
      @Override
      public Set<String> agentsOn(String channel) {
        return Set.of();
      }

      @Override
      public Set<String> agentsWithCapability(String channel, String capability) {
        return Set.of();
      }
    };
  }

  @Override
  public long queuedForLocalConsumers() {
    return 0;
  }

  @Override
  public void close() {}

  /** Hands {@code spore} to the only consumer and returns the delivery, to see how it was settled. */
  Settled deliver(Spore spore, String userId) {
    if (consumers.size() != 1) {
      throw new IllegalStateException("expected one consumer, have " + consumers.size());
    }
    Settled delivery = new Settled(spore, userId);
    consumers.get(0).onDelivery(delivery);
    return delivery;
  }

  /** A delivery that remembers how it was settled. */
  static final class Settled implements Delivery {
    final CompletableFuture<String> outcome = new CompletableFuture<>();
    private final Spore spore;
    private final String userId;
    volatile DeadLetterReason reason;

    Settled(Spore spore, String userId) {
      this.spore = spore;
      this.userId = userId;
    }

    @Override
    public Spore spore() {
      return spore;
    }

    @Override
    public String channel() {
      return "main";
    }

    @Override
    public String replyAddress() {
      return null;
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public boolean redelivered() {
      return false;
    }

    @Override
    public String verifiedUserId() {
      return userId;
    }

    @Override
    public void ack() {
      outcome.complete("ack");
    }

    @Override
    public void retry(Duration delay, String error) {
      outcome.complete("retry");
    }

    @Override
    public void deadLetter(DeadLetterReason reason) {
      this.reason = reason;
      outcome.complete("dead-letter");
    }

    @Override
    public void requeue() {
      outcome.complete("requeue");
    }
  }
}
