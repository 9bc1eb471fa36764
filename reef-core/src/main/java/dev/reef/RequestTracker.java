package dev.reef;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spi.ReplyHandler;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates requests with replies (SPEC §3.3, §3.4). Replies come to this Reef's own reply
 * endpoint, keyed by the request id, so each reaches the very future that asked. Futures are
 * completed on a worker pool so that callers' continuations never run on a backend thread.
 */
final class RequestTracker implements ReplyHandler {
  /** Metadata key of an error reply: {@code {"type": ..., "message": ..., "agent": ...}}. */
  static final String ERROR_KEY = "reef_error";

  private static final Logger LOG = LoggerFactory.getLogger(RequestTracker.class);

  private record Pending(
      String channel, Spore request, long startNanos, CompletableFuture<Spore> future, ScheduledFuture<?> timeout) {}

  private final Reef reef;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private volatile ReplyEndpoint endpoint;
  private volatile Executor callbacks; // a Vert.x worker pool's threads

  RequestTracker(Reef reef) {
    this.reef = reef;
  }

  CompletableFuture<Spore> request(ChannelImpl channel, Spore request, Duration timeout) {
    Spore bounded = expireWithin(ChannelImpl.stampTrace(request), timeout);
    String address = endpoint().address();
    CompletableFuture<Spore> future = new CompletableFuture<>();
    ScheduledFuture<?> timer = reef.timer().schedule(
        () -> timedOut(bounded, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    pending.put(bounded.id(), new Pending(channel.name(), bounded, System.nanoTime(), future, timer));
    try {
      channel.publish(Action.REQUEST, bounded, address).whenComplete((ok, error) -> {
        if (error != null) {
          fail(bounded.id(), unwrap(error));
        }
      });
    } catch (RuntimeException e) {
      pending.remove(bounded.id());
      timer.cancel(false);
      throw e;
    }
    return future;
  }

  CompletableFuture<List<Spore>> scatter(
      ChannelImpl channel, String fromAgent, Object knowledge, ScatterTarget target, Duration deadline) {
    reef.ensureOpen();
    channel.authorize(new AccessRequest(Action.SCATTER, channel.name(), fromAgent, null, null));
    String capability = target.capabilityOrNull();
    Set<String> agents = capability == null
        ? reef.backend().directory().agentsOn(channel.name())
        : reef.backend().directory().agentsWithCapability(channel.name(), capability);
    Queue<Spore> replies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (String agent : agents) {
      if (agent.equals(fromAgent)) {
        continue;
      }
      Spore ask = Spore.builder(SporeType.REQUEST).from(fromAgent).to(agent).knowledge(knowledge).build();
      calls.add(request(channel, ask, deadline).handle((reply, error) -> {
        if (reply != null) {
          replies.add(reply);
        } else {
          LOG.debug("scatter: no answer from {}: {}", agent, error.toString());
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(done -> List.copyOf(replies));
  }

  @Override
  public void onReply(Spore reply) {
    Pending call = reply.replyTo() == null ? null : pending.remove(reply.replyTo());
    if (call == null) {
      reef.metrics().count(ReefMetrics.LATE_REPLIES, "-", reply.fromAgent(), reply);
      LOG.warn("late reply {} from '{}' to request {}: its caller has stopped waiting; dropped",
          reply.id(), reply.fromAgent(), reply.replyTo());
      return;
    }
    call.timeout.cancel(false);
    reef.metrics().time(ReefMetrics.ROUND_TRIP, call.channel, call.request.fromAgent(),
        call.request.type().wireValue(), System.nanoTime() - call.startNanos);
    JsonNode error = reply.metadata().get(ERROR_KEY);
    if (error != null && error.isObject()) {
      RemoteHandlerException remote = new RemoteHandlerException(
          error.path("agent").asText(reply.fromAgent()), error.path("type").asText("unknown"),
          error.path("message").asText(""));
      completeLater(() -> call.future.completeExceptionally(remote));
    } else {
      completeLater(() -> call.future.complete(reply));
    }
  }

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
    callbacks().execute(completion);
  }

  private ReplyEndpoint endpoint() {
    ReplyEndpoint open = endpoint;
    if (open == null) {
      synchronized (this) {
        open = endpoint;
        if (open == null) {
          reef.ensureOpen();
          open = reef.backend().openReplyEndpoint(this);
          endpoint = open;
        }
      }
    }
    return open;
  }

  private Executor callbacks() {
    Executor pool = callbacks;
    if (pool == null) {
      synchronized (this) {
        pool = callbacks;
        if (pool == null) {
          pool = WorkerPools.executor(reef.vertx().createSharedWorkerExecutor("reef-callbacks", 4));
          callbacks = pool;
        }
      }
    }
    return pool;
  }

  private static Spore expireWithin(Spore request, Duration timeout) {
    java.time.Instant limit = java.time.Instant.now().plus(timeout);
    if (request.expiresAt() != null && request.expiresAt().isBefore(limit)) {
      return request;
    }
    return request.toBuilder().expiresAt(limit).build();
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
