package dev.reef.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.Action;
import dev.reef.ReefClosedException;
import dev.reef.RemoteHandlerException;
import dev.reef.RequestTimeoutException;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.internal.trace.Cause;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates requests with replies (SPEC §3.3). Replies come to this Reef's own reply endpoint,
 * keyed by the request id, so each reaches the very future that asked; a reply counts only when it
 * comes from the agent the request went to (SPEC §8). Futures are completed on a worker pool so
 * that callers' continuations never run on a backend thread, and never on the thread that waits for
 * another reply.
 */
final class RequestTracker implements ReplyHandler {
  /** Metadata key of an error reply: {@code {"type": ..., "message": ..., "agent": ...}}. */
  static final String ERROR_KEY = "reef_error";
  /** Meter of replies dropped because they came from someone other than the agent asked. */
  static final String FOREIGN_REPLIES = "reef.replies.rejected";

  private static final Logger LOG = LoggerFactory.getLogger(RequestTracker.class);

  private record Pending(
      String channel, Spore request, long startNanos, CompletableFuture<Spore> future, ScheduledFuture<?> timeout) {}

  private final Outbox outbox;
  private final Function<ReplyHandler, ReplyEndpoint> openEndpoint;
  private final ScheduledExecutorService timer;
  private final Executor callbacks;
  private final ReefMetrics metrics;
  private final Signatures signatures;
  private final JsonMapping json;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final BoundedLog dropped = new BoundedLog(LOG, 20);
  private volatile ReplyEndpoint endpoint;

  /**
   * @param openEndpoint opens this Reef's reply endpoint for a handler (this tracker); called once, at
   *     the first request
   * @param callbacks where futures are completed
   * @param json the mapping replies are read with, as every spore this Reef gets
   */
  RequestTracker(Outbox outbox, Function<ReplyHandler, ReplyEndpoint> openEndpoint, ScheduledExecutorService timer,
      Executor callbacks, ReefMetrics metrics, Signatures signatures, JsonMapping json) {
    this.outbox = outbox;
    this.openEndpoint = openEndpoint;
    this.timer = timer;
    this.callbacks = callbacks;
    this.metrics = metrics;
    this.signatures = signatures;
    this.json = json;
  }

  /**
   * Sends a request and returns its reply. The request expires with the timeout, so a responder never
   * handles it after its caller gave up.
   */
  CompletableFuture<Spore> request(String channel, Spore request, Duration timeout, Cause cause) {
    Spore bounded = expireWithin(request, timeout);
    String address = endpoint().address();
    CompletableFuture<Spore> future = new CompletableFuture<>();
    ScheduledFuture<?> timer = this.timer.schedule(
        () -> timedOut(bounded, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    pending.put(bounded.id(), new Pending(channel, bounded, System.nanoTime(), future, timer));
    try {
      outbox.publish(Action.REQUEST, channel, bounded, cause, address).whenComplete((ok, error) -> {
        if (error != null) {
          fail(bounded.id(), Outbox.unwrap(error));
        }
      });
    } catch (RuntimeException e) {
      pending.remove(bounded.id());
      timer.cancel(false);
      throw e;
    }
    return future;
  }

  @Override
  public void onReply(Spore reply, Optional<String> verifiedUserId) {
    Pending call = reply.replyTo() == null ? null : pending.get(reply.replyTo());
    if (call == null) {
      metrics.count(ReefMetrics.LATE_REPLIES, "-", "-", SporeType.RESPONSE.wireValue());
      dropped.warn("late reply {} to request {}: its caller has stopped waiting; dropped", reply.id(),
          reply.replyTo());
      return;
    }
    Spore answer = reply;
    if (signatures.verifies()) {
      Signatures.Verdict verdict = signatures.check(reply, call.channel, call.request.fromAgent());
      if (!verdict.accepted()) {
        dropped.warn("rejected reply {} to request {}: {}; dropped", reply.id(), reply.replyTo(), verdict.rejection());
        return;
      }
      answer = verdict.spore();
    }
    if (!answer.fromAgent().equals(call.request.toAgent())) {
      // Anyone who can read the request can answer it: only the agent asked may (SPEC §8).
      metrics.count(FOREIGN_REPLIES, "-", "-", SporeType.RESPONSE.wireValue());
      dropped.warn("reply {} to request {} claims to come from '{}', but the request went to '{}'; dropped",
          reply.id(), reply.replyTo(), answer.fromAgent(), call.request.toAgent());
      return;
    }
    if (!pending.remove(reply.replyTo(), call)) {
      return; // timed out or answered meanwhile
    }
    call.timeout.cancel(false);
    metrics.time(ReefMetrics.ROUND_TRIP, call.channel, call.request.fromAgent(),
        call.request.type().wireValue(), System.nanoTime() - call.startNanos);
    JsonNode error = answer.metadata().get(ERROR_KEY);
    if (error != null && error.isObject()) {
      RemoteHandlerException remote = new RemoteHandlerException(
          error.path("agent").asText(answer.fromAgent()), error.path("type").asText("unknown"),
          error.path("message").asText(""));
      completeLater(() -> call.future.completeExceptionally(remote));
    } else {
      // Read records with this Reef's mapper, whatever the responder or decoder used (SPEC §3.13).
      Spore delivered = answer.knowledge() == null || answer.knowledge().mapping() == json ? answer
          : answer.toBuilder().knowledge(answer.knowledge().withMapping(json)).build();
      completeLater(() -> call.future.complete(delivered));
    }
  }

  /** Fails every pending request and closes the reply endpoint. */
  void close() {
    ReefClosedException closed = new ReefClosedException("the Reef was closed before the reply came");
    for (String id : List.copyOf(pending.keySet())) {
      Pending call = pending.remove(id);
      if (call != null) {
        call.timeout.cancel(false);
        call.future.completeExceptionally(closed);
      }
    }
    ReplyEndpoint open = endpoint;
    if (open != null) {
      open.close();
    }
  }

  private void timedOut(Spore request, Duration timeout) {
    Pending call = pending.remove(request.id());
    if (call != null) {
      completeLater(() ->
          call.future.completeExceptionally(new RequestTimeoutException(request.id(), request.toAgent(), timeout)));
    }
  }

  private void fail(String requestId, Throwable error) {
    Pending call = pending.remove(requestId);
    if (call != null) {
      call.timeout.cancel(false);
      completeLater(() -> call.future.completeExceptionally(error));
    }
  }

  private void completeLater(Runnable completion) {
    try {
      callbacks.execute(completion);
    } catch (RuntimeException e) {
      completion.run(); // the pool is closing with the Reef: complete here rather than never
    }
  }

  private ReplyEndpoint endpoint() {
    ReplyEndpoint open = endpoint;
    if (open == null) {
      synchronized (this) {
        open = endpoint;
        if (open == null) {
          open = openEndpoint.apply(this);
          endpoint = open;
        }
      }
    }
    return open;
  }

  private static Spore expireWithin(Spore request, Duration timeout) {
    Instant limit = Instant.now().plus(timeout);
    if (request.expiresAt() != null && request.expiresAt().isBefore(limit)) {
      return request;
    }
    return request.toBuilder().expiresAt(limit).build();
  }

  /** {@code duration}, checked to be positive. */
  static Duration positive(String what, Duration duration) {
    Objects.requireNonNull(duration, what);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, got " + duration);
    }
    return duration;
  }
}
