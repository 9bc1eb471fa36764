package dev.reef.internal.engine;

import dev.reef.Action;
import dev.reef.ReefClosedException;
import dev.reef.RemoteHandlerException;
import dev.reef.RequestTimeoutException;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.internal.trace.Cause;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
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
import java.util.function.Consumer;
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
  /** Meter of replies dropped because they came from someone other than the agent asked. */
  static final String FOREIGN_REPLIES = "reef.replies.rejected";

  private static final Logger LOG = LoggerFactory.getLogger(RequestTracker.class);

  /** Meter of requests sent again after their reply address came back from a connection loss. */
  static final String RESENT = "reef.requests.resent";
  /** How many answered requests are kept to tell a reply that came twice from a late (or forged) one. */
  private static final int ANSWERED_KEPT = 4_096;

  /** A request waiting for its reply: a future and its timeout, or a stream; what it was sent with. */
  private record Pending(String channel, Spore request, Cause cause, long startNanos, CompletableFuture<Spore> future,
      ScheduledFuture<?> timeout, StreamCall stream) {}

  private final Outbox outbox;
  private final Function<ReplyHandler, ReplyEndpoint> openEndpoint;
  private final ScheduledExecutorService timer;
  private final Executor callbacks;
  private final ReefMetrics metrics;
  private final Signatures signatures;
  private final OpenStreams openStreams;
  private final JsonMapping json;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  /** Recently answered requests, by id: the agent that answered. */
  private final Map<String, String> answered = Collections.synchronizedMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > ANSWERED_KEPT;
    }
  });
  private final BoundedLog dropped = new BoundedLog(LOG, 20);
  private volatile ReplyEndpoint endpoint;

  /**
   * @param openEndpoint opens this Reef's reply endpoint for a handler (this tracker); called once, at
   *     the first request
   * @param callbacks where futures are completed
   * @param openStreams this Reef's handlers' open reply streams, which callers' cancels reach through here
   * @param json the mapping replies are read with, as every spore this Reef gets
   */
  RequestTracker(Outbox outbox, Function<ReplyHandler, ReplyEndpoint> openEndpoint, ScheduledExecutorService timer,
      Executor callbacks, ReefMetrics metrics, Signatures signatures, OpenStreams openStreams, JsonMapping json) {
    this.outbox = outbox;
    this.openEndpoint = openEndpoint;
    this.timer = timer;
    this.callbacks = callbacks;
    this.metrics = metrics;
    this.signatures = signatures;
    this.openStreams = openStreams;
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
    pending.put(bounded.id(), new Pending(channel, bounded, effective(cause), System.nanoTime(), future, timer, null));
    publish(channel, bounded, cause, address, e -> timer.cancel(false));
    return future;
  }

  /**
   * Sends a request whose reply comes in parts: handed to {@code onPart} in order; the request expires
   * unhandled after {@code idleTimeout}, as the stream does when idle that long.
   */
  StreamCall stream(String channel, Spore request, Duration idleTimeout, Cause cause, Consumer<Spore> onPart) {
    Spore bounded = expireWithin(request, idleTimeout);
    String address = endpoint().address();
    StreamCall call = new StreamCall(bounded, onPart, idleTimeout, timer, callbacks,
        (responder, stream) -> sendCancel(channel, stream.request(), responder),
        () -> pending.remove(bounded.id()));
    pending.put(bounded.id(), new Pending(channel, bounded, effective(cause), System.nanoTime(), null, null, call));
    call.start();
    publish(channel, bounded, cause, address, call::fail);
    return call;
  }

  /**
   * Publishes a request already registered as pending. A publish refused later fails the caller's
   * future or stream; one refused at once (invalid, denied, closed) unregisters it, lets
   * {@code abandon} release what was set up for it, and throws to the caller.
   */
  private void publish(String channel, Spore request, Cause cause, String address,
      Consumer<RuntimeException> abandon) {
    try {
      outbox.publish(Action.REQUEST, channel, request, cause, address).whenComplete((ok, error) -> {
        if (error != null) {
          fail(request.id(), Outbox.unwrap(error));
        }
      });
    } catch (RuntimeException e) {
      pending.remove(request.id());
      abandon.accept(e);
      throw e;
    }
  }

  /** This Reef's reply address, opened on first use: where streamed replies' cancels come to. */
  String address() {
    return endpoint().address();
  }

  private void sendCancel(String channel, Spore request, String responderAddress) {
    Spore cancel = Spore.builder(SporeType.RESPONSE).from(request.fromAgent()).to(request.toAgent())
        .replyTo(request.id()).metadata(StreamProtocol.KEY, StreamProtocol.cancel()).build();
    try {
      outbox.reply(channel, cancel, null, responderAddress).whenComplete((ok, error) -> {
        if (error != null) {
          LOG.debug("the cancel of request {} did not reach '{}': {}", request.id(), request.toAgent(), error.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("the cancel of request {} was not sent: {}", request.id(), e.toString());
    }
  }

  @Override
  public void onReply(Spore reply, Optional<String> verifiedUserId) {
    Spore answer = reply;
    if (signatures.verifies()) {
      Pending asked = reply.replyTo() == null ? null : pending.get(reply.replyTo());
      Signatures.Verdict verdict = signatures.check(reply, asked == null ? "-" : asked.channel,
          asked == null ? "-" : asked.request.fromAgent());
      if (!verdict.accepted()) {
        dropped.warn("rejected reply {} to request {}: {}; dropped", reply.id(), reply.replyTo(), verdict.rejection());
        return;
      }
      answer = verdict.spore();
    }
    if (answer.knowledge() != null && answer.knowledge().mapping() != json) {
      // Read records with this Reef's mapper, whatever the responder or decoder used (SPEC §3.13).
      answer = answer.toBuilder().knowledge(answer.knowledge().withMapping(json)).build();
    }
    StreamProtocol.Marker marker = StreamProtocol.of(answer);
    if (marker.cancel()) {
      openStreams.cancel(answer.replyTo(), answer.fromAgent()); // a caller stops a stream this Reef sends
      return;
    }
    Pending call = answer.replyTo() == null ? null : pending.get(answer.replyTo());
    if (call == null && answer.replyTo() != null && answer.fromAgent().equals(answered.get(answer.replyTo()))) {
      // Both the reply sent again for a request sent again and the first one came: the second is no news.
      // From anyone else, it is a late reply (or a forged one), counted as such below.
      metrics.count(ReefMetrics.DUPLICATES, "-", "-", SporeType.RESPONSE.wireValue());
      LOG.debug("reply {} to request {} came again; dropped", answer.id(), answer.replyTo());
      return;
    }
    if (call == null) {
      metrics.count(ReefMetrics.LATE_REPLIES, "-", "-", SporeType.RESPONSE.wireValue());
      dropped.warn("late reply {} to request {}: its caller has stopped waiting; dropped", answer.id(),
          answer.replyTo());
      return;
    }
    if (!answer.fromAgent().equals(Names.agentOf(call.request.toAgent()))) { // X answers a request to X@SITE
      // Anyone who can read the request can answer it: only the agent asked may (SPEC §8).
      metrics.count(FOREIGN_REPLIES, "-", "-", SporeType.RESPONSE.wireValue());
      dropped.warn("reply {} to request {} claims to come from '{}', but the request went to '{}'; dropped",
          answer.id(), answer.replyTo(), answer.fromAgent(), call.request.toAgent());
      return;
    }
    if (call.stream != null) {
      if (call.stream.accept(answer, marker) && pending.remove(answer.replyTo(), call) && !marker.isPart()) {
        roundTrip(call);
      }
      return;
    }
    if (marker.isPart()) {
      return; // a plain request is answered by the final reply: parts are for callers that stream
    }
    if (!pending.remove(answer.replyTo(), call)) {
      return; // timed out or answered meanwhile
    }
    call.timeout.cancel(false);
    answered.put(answer.replyTo(), answer.fromAgent());
    roundTrip(call);
    RemoteHandlerException remote = Replies.errorOf(answer);
    Spore delivered = answer;
    completeLater(remote != null ? () -> call.future.completeExceptionally(remote)
        : () -> call.future.complete(delivered));
  }

  private void roundTrip(Pending call) {
    metrics.time(ReefMetrics.ROUND_TRIP, call.channel, call.request.fromAgent(), call.request.type().wireValue(),
        System.nanoTime() - call.startNanos);
  }

  /**
   * {@inheritDoc} Replies may have been lost with the connection, so every plain request still
   * waiting is sent again, as it was: its responder answers a request it has handled with the reply it
   * sent (a duplicate id is not handled twice), and one it has not handled yet only once. A streamed
   * request is not sent again (its parts cannot be): it ends at its idle timeout if its parts were lost.
   */
  @Override
  public void onReopened() {
    completeLater(this::sendWaitingAgain); // off the backend's thread: a send may wait for its window
  }

  private void sendWaitingAgain() {
    List<Pending> waiting = pending.values().stream().filter(call -> call.stream == null).toList();
    if (waiting.isEmpty()) {
      return;
    }
    LOG.info("the reply address came back after a connection loss: {} request(s) still waiting are sent again, in"
        + " case their replies were lost with the connection", waiting.size());
    String address = endpoint().address();
    for (Pending call : waiting) {
      try {
        metrics.count(RESENT, call.channel, call.request.fromAgent(), call.request);
        outbox.publish(Action.REQUEST, call.channel, call.request, call.cause, address).whenComplete((ok, error) -> {
          if (error != null) {
            LOG.debug("request {}, sent again, did not go: {}", call.request.id(), Outbox.unwrap(error).toString());
          }
        });
      } catch (RuntimeException e) { // closing, or no longer allowed: the first send stands, and its timeout
        LOG.debug("request {} was not sent again: {}", call.request.id(), e.toString());
      }
    }
  }

  /** Fails every pending request and closes the reply endpoint. */
  void close() {
    ReefClosedException closed = new ReefClosedException("the Reef was closed before the reply came");
    for (String id : List.copyOf(pending.keySet())) {
      Pending call = pending.remove(id);
      if (call != null && call.stream != null) {
        call.stream.fail(closed);
      } else if (call != null) {
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
    if (call != null && call.stream != null) {
      call.stream.fail(error);
    } else if (call != null) {
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

  /** The cause a request is sent with: the one given, else the thread's current one (kept to send it again). */
  private static Cause effective(Cause cause) {
    return cause != null ? cause : Cause.current();
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
