package dev.reef.internal.engine;

import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.Observation;
import dev.reef.SporeObserver;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.Outbound;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceListener;
import dev.reef.spi.PresenceMessage;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A backend that moves nothing by itself: it records what core publishes and lets a test hand
 * deliveries to consumers, so that core's own logic (checks, pipeline, correlation) is tested alone.
 */
public final class FakeBackend implements ReefBackend {
  static final String REPLY_ADDRESS = "fake-reply-address";

  record SentReply(String address, Spore spore) {}

  public final List<Outbound> published = new CopyOnWriteArrayList<>();
  final List<SentReply> replies = new CopyOnWriteArrayList<>();
  final List<FakeConsumer> consumers = new CopyOnWriteArrayList<>();
  final AtomicBoolean closed = new AtomicBoolean();
  public volatile ReplyHandler replyHandler;
  final List<PresenceMessage> presence = new CopyOnWriteArrayList<>();
  volatile Function<Outbound, CompletableFuture<Void>> publishOutcome = message -> CompletableFuture.completedFuture(null);

  @Override
  public String namespace() {
    return "fake";
  }

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    published.add(message);
    return publishOutcome.apply(message);
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    FakeConsumer consumer = new FakeConsumer(spec, handler);
    consumers.add(consumer);
    return consumer;
  }

  @Override
  public ReplyEndpoint openReplyEndpoint(ReplyHandler handler) {
    replyHandler = handler;
    return new ReplyEndpoint() {
      @Override
      public String address() {
        return REPLY_ADDRESS;
      }

      @Override
      public void close() {
        replyHandler = null;
      }
    };
  }

  @Override
  public CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    replies.add(new SentReply(replyAddress, reply));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public DeadLetterStore deadLetters() {
    throw new UnsupportedOperationException("not needed by these tests");
  }

  /** Records what the directory sends; hears nobody else. */
  @Override
  public PresenceLink openPresence(PresenceListener listener) {
    return new PresenceLink() {
      @Override
      public CompletableFuture<Void> send(PresenceMessage message) {
        presence.add(message);
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Observation observe(String channel, SporeObserver observer) {
    throw new UnsupportedOperationException("the fake backend does not observe channels");
  }

  @Override
  public boolean isReplyAddressOpen(String address) {
    return REPLY_ADDRESS.equals(address);
  }

  @Override
  public long backlog(String channel, String agent) {
    return 0;
  }

  @Override
  public List<String> namespaceObjects() {
    return List.of();
  }

  @Override
  public int deleteNamespace() {
    return 0;
  }

  @Override
  public boolean isConnected() {
    return !closed.get();
  }

  @Override
  public long queuedForLocalConsumers() {
    return 0;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  /** The only consumer opened so far. */
  public FakeConsumer consumer() {
    if (consumers.size() != 1) {
      throw new IllegalStateException("expected one consumer, have " + consumers.size());
    }
    return consumers.get(0);
  }

  public static final class FakeConsumer implements ConsumerHandle {
    final ConsumerSpec spec;
    final DeliveryHandler handler;
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicBoolean closed = new AtomicBoolean();
    /** When set, {@link #cancel()} waits for it, as a cancel waits for the broker's answer. */
    volatile CountDownLatch cancelAnswered;
    /** When set, {@link #cancel()} throws it (after waiting for {@link #cancelAnswered}). */
    volatile RuntimeException cancelFailure;

    FakeConsumer(ConsumerSpec spec, DeliveryHandler handler) {
      this.spec = spec;
      this.handler = handler;
    }

    /** Hands {@code spore} to the consumer as the given attempt, as a backend thread would. */
    FakeDelivery deliver(Spore spore, int attempt, String replyAddress) {
      FakeDelivery delivery = new FakeDelivery(spore, spec.channel(), attempt, replyAddress);
      handler.onDelivery(delivery);
      return delivery;
    }

    FakeDelivery deliver(Spore spore) {
      return deliver(spore, 1, null);
    }

    /** Hands {@code spore} to the consumer as published by a connection of {@code userId}. */
    public FakeDelivery deliverAs(Spore spore, String userId) {
      FakeDelivery delivery = new FakeDelivery(spore, spec.channel(), 1, null);
      delivery.verifiedUserId = userId;
      handler.onDelivery(delivery);
      return delivery;
    }

    @Override
    public void cancel() {
      cancelled.set(true);
      CountDownLatch answer = cancelAnswered;
      if (answer != null) {
        try {
          answer.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      RuntimeException failure = cancelFailure;
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public void close() {
      cancelled.set(true);
      closed.set(true);
    }
  }

  /** Records how it was settled; {@link #settlements} counts settlements, which must be one. */
  public static final class FakeDelivery implements Delivery {
    public enum Outcome { ACK, RETRY, DEAD_LETTER, REQUEUE }

    public final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    final AtomicInteger settlements = new AtomicInteger();
    private final Spore spore;
    private final String channel;
    private final int attempt;
    private final String replyAddress;
    volatile Duration retryDelay;
    volatile String retryError;
    public volatile DeadLetterReason deadLetterReason;
    volatile String verifiedUserId;

    FakeDelivery(Spore spore, String channel, int attempt, String replyAddress) {
      this.spore = spore;
      this.channel = channel;
      this.attempt = attempt;
      this.replyAddress = replyAddress;
    }

    @Override
    public Spore spore() {
      return spore;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public String replyAddress() {
      return replyAddress;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public boolean redelivered() {
      return attempt > 1;
    }

    @Override
    public Optional<String> verifiedUserId() {
      return Optional.ofNullable(verifiedUserId);
    }

    @Override
    public void ack() {
      settle(Outcome.ACK);
    }

    @Override
    public void retry(Duration delay, String error) {
      retryDelay = delay;
      retryError = error;
      settle(Outcome.RETRY);
    }

    @Override
    public void deadLetter(DeadLetterReason reason) {
      deadLetterReason = reason;
      settle(Outcome.DEAD_LETTER);
    }

    @Override
    public void requeue() {
      settle(Outcome.REQUEUE);
    }

    private void settle(Outcome how) {
      settlements.incrementAndGet();
      outcome.complete(how);
    }
  }
}
