package dev.reef.internal.engine;

import dev.reef.RemoteHandlerException;
import dev.reef.StreamIdleException;
import dev.reef.StreamingReply;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's side of one streamed request: parts handed to the consumer in part order, one at a
 * time, off the backend's thread; the final reply once every part before it was handed over; an
 * idle timer re-armed by every part; and the cancel sent back to the responder.
 */
final class StreamCall implements StreamingReply {
  private static final Logger LOG = LoggerFactory.getLogger(StreamCall.class);

  private final Spore request;
  private final Consumer<Spore> onPart;
  private final Duration idleTimeout;
  private final ScheduledExecutorService timer;
  private final Executor ordered;
  private final BiConsumer<String, StreamCall> sendCancel; // (responder address, call)
  private final Runnable forget;
  private final CompletableFuture<Spore> reply = new CompletableFuture<>();
  private final TreeMap<Long, Spore> early = new TreeMap<>(); // guarded by this
  private long nextPart = 1; // guarded by this
  private Spore finalReply; // guarded by this: held until the parts before it were handed over
  private long finalParts; // guarded by this
  private String responderAddress; // guarded by this
  private boolean cancelled; // guarded by this
  private boolean cancelSent; // guarded by this
  private ScheduledFuture<?> idle; // guarded by this
  private volatile long received;

  /**
   * @param callbacks the worker pool parts and the final reply are handed over on
   * @param sendCancel sends the cancel to the responder's address
   * @param forget removes this call from the tracker
   */
  StreamCall(Spore request, Consumer<Spore> onPart, Duration idleTimeout, ScheduledExecutorService timer,
      Executor callbacks, BiConsumer<String, StreamCall> sendCancel, Runnable forget) {
    this.request = request;
    this.onPart = onPart;
    this.idleTimeout = idleTimeout;
    this.timer = timer;
    this.ordered = new SerialExecutor(callbacks);
    this.sendCancel = sendCancel;
    this.forget = forget;
  }

  Spore request() {
    return request;
  }

  /** Starts the idle clock: the first part must come within the idle timeout. */
  synchronized void start() {
    rearm();
  }

  /**
   * Takes a response to this request.
   *
   * @return true when the call is over and can be forgotten
   */
  boolean accept(Spore response, StreamProtocol.Marker marker) {
    synchronized (this) {
      if (marker.address() != null && responderAddress == null) {
        responderAddress = marker.address();
        if (cancelled && !cancelSent) {
          cancelSent = true;
          sendCancel.accept(responderAddress, this); // the cancel came before the responder's address
        }
      }
      if (cancelled || reply.isDone()) {
        return !marker.isPart(); // parts after a cancel are dropped; the final reply ends the call
      }
      rearm();
      if (marker.isPart()) {
        if (marker.part() >= nextPart) {
          early.put(marker.part(), response);
        }
      } else {
        finalReply = response;
        finalParts = marker.end() ? marker.parts() : 0;
      }
      drainInOrder();
      return reply.isDone() || finalReply != null && nextPart > finalParts;
    }
  }

  /** Hands over the parts that are next in order, then the final reply when its turn has come. */
  private void drainInOrder() {
    while (!early.isEmpty() && early.firstKey() == nextPart) {
      Spore part = early.pollFirstEntry().getValue();
      nextPart++;
      ordered.execute(() -> handOver(part));
    }
    if (finalReply != null && nextPart > finalParts) {
      Spore last = finalReply;
      cancelIdle();
      RemoteHandlerException error = Replies.errorOf(last);
      // After the parts, on the same ordered lane.
      ordered.execute(() -> {
        if (error != null) {
          reply.completeExceptionally(error);
        } else {
          reply.complete(last);
        }
      });
    }
  }

  private void handOver(Spore part) {
    synchronized (this) {
      if (cancelled) {
        return;
      }
    }
    received++;
    try {
      onPart.accept(part);
    } catch (RuntimeException e) {
      LOG.warn("the part consumer of request {} failed on part {}: {}", request.id(), part.id(), e.toString());
    }
  }

  /** Fails the call (the request could not be sent, or the remote handler failed). */
  void fail(Throwable error) {
    synchronized (this) {
      cancelIdle();
    }
    ordered.execute(() -> reply.completeExceptionally(error));
  }

  @Override
  public CompletableFuture<Spore> reply() {
    return reply;
  }

  @Override
  public void cancel() {
    stop(new CancellationException("the caller cancelled the stream of request " + request.id()));
  }

  private void idleExpired() {
    stop(new StreamIdleException(request.id(), request.toAgent(), received, idleTimeout));
  }

  private void stop(Throwable why) {
    synchronized (this) {
      if (cancelled || reply.isDone()) {
        return;
      }
      cancelled = true;
      cancelIdle();
      if (responderAddress != null) {
        cancelSent = true;
        sendCancel.accept(responderAddress, this);
      }
      // Parts still on their way are dropped quietly for a while, then the call is forgotten.
      timer.schedule(forget, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    reply.completeExceptionally(why);
  }

  @Override
  public long partsReceived() {
    return received;
  }

  private void rearm() {
    cancelIdle();
    idle = timer.schedule(this::idleExpired, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelIdle() {
    if (idle != null) {
      idle.cancel(false);
      idle = null;
    }
  }
}
