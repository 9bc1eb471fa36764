package dev.reef.spi;

import dev.reef.DeadLetters;
import dev.reef.SporeObserver;
import dev.reef.spore.Spore;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A backend that forwards every call to another: extend it to decorate a backend (sign, verify,
 * tamper in a test) by overriding only the calls that change.
 */
public abstract class ForwardingBackend implements ReefBackend {
  private final ReefBackend delegate;

  /** Forwards to {@code delegate}. */
  protected ForwardingBackend(ReefBackend delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The backend calls are forwarded to. */
  protected final ReefBackend delegate() {
    return delegate;
  }

  @Override
  public CompletableFuture<Void> publish(Outbound message) {
    return delegate.publish(message);
  }

  @Override
  public ConsumerHandle consume(ConsumerSpec spec, DeliveryHandler handler) {
    return delegate.consume(spec, handler);
  }

  @Override
  public ReplyEndpoint openReplyEndpoint(ReplyHandler handler) {
    return delegate.openReplyEndpoint(handler);
  }

  @Override
  public CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    return delegate.sendReply(replyAddress, reply);
  }

  @Override
  public Observation observe(String channel, SporeObserver observer) {
    return delegate.observe(channel, observer);
  }

  @Override
  public boolean isConnected() {
    return delegate.isConnected();
  }

  @Override
  public DeadLetters deadLetters() {
    return delegate.deadLetters();
  }

  @Override
  public Directory directory() {
    return delegate.directory();
  }

  @Override
  public long queuedForLocalConsumers() {
    return delegate.queuedForLocalConsumers();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
