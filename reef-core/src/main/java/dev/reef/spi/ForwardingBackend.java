package dev.reef.spi;

import dev.reef.Observation;
import dev.reef.SporeObserver;
import dev.reef.spore.Spore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A backend that forwards every call to another: extend it to decorate a backend (tamper in a test,
 * count, delay) by overriding only the calls that change.
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
  public String namespace() {
    return delegate.namespace();
  }

  @Override
  public String site() {
    return delegate.site();
  }

  @Override
  public String messagingSystem() {
    return delegate.messagingSystem();
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
  public CompletableFuture<Void> sendReply(String channel, String replyAddress, Spore reply) {
    return delegate.sendReply(channel, replyAddress, reply);
  }

  @Override
  public HistoryLog history(String channel) {
    return delegate.history(channel);
  }

  @Override
  public Observation observe(String channel, SporeObserver observer) {
    return delegate.observe(channel, observer);
  }

  @Override
  public PresenceLink openPresence(PresenceListener listener) {
    return delegate.openPresence(listener);
  }

  @Override
  public DeadLetterStore deadLetters() {
    return delegate.deadLetters();
  }

  @Override
  public boolean isReplyAddressOpen(String address) {
    return delegate.isReplyAddressOpen(address);
  }

  @Override
  public long backlog(String channel, String agent) {
    return delegate.backlog(channel, agent);
  }

  @Override
  public List<String> namespaceObjects() {
    return delegate.namespaceObjects();
  }

  @Override
  public int deleteNamespace() {
    return delegate.deleteNamespace();
  }

  @Override
  public boolean isConnected() {
    return delegate.isConnected();
  }

  @Override
  public long queuedForLocalConsumers() {
    return delegate.queuedForLocalConsumers();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
