package dev.reef.internal.engine;

import dev.reef.ReplyStream;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A handler's side of a streamed reply: numbers its parts and stops when the caller cancels. */
final class ReplyStreamImpl implements ReplyStream {
  private static final Logger LOG = LoggerFactory.getLogger(ReplyStreamImpl.class);

  /** Sends part number n with the given knowledge. */
  @FunctionalInterface
  interface PartSender {
    CompletableFuture<Void> send(long number, Object knowledge);
  }

  private final String requestId;
  private final String requester;
  private final PartSender sender;
  private final AtomicLong parts = new AtomicLong();
  private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  ReplyStreamImpl(String requestId, String requester, PartSender sender) {
    this.requestId = requestId;
    this.requester = requester;
    this.sender = sender;
  }

  String requester() {
    return requester;
  }

  @Override
  public CompletableFuture<Void> send(Object part) {
    if (cancelled) {
      return CompletableFuture.failedFuture(new CancellationException("the caller cancelled request " + requestId));
    }
    return sender.send(parts.incrementAndGet(), part);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void onCancel(Runnable action) {
    onCancel.add(action);
    if (cancelled && onCancel.remove(action)) {
      run(action);
    }
  }

  @Override
  public long partsSent() {
    return parts.get();
  }

  void cancelled() {
    cancelled = true;
    for (Runnable action : onCancel) {
      if (onCancel.remove(action)) {
        run(action);
      }
    }
  }

  private void run(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("a cancel action of the stream answering request {} failed: {}", requestId, e.toString());
    }
  }
}
