package dev.reef.internal.engine;

import dev.reef.AccessDeniedException;
import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.HandlerContext;
import dev.reef.ReplyStream;
import dev.reef.internal.trace.Cause;
import dev.reef.spi.Delivery;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.micrometer.observation.Observation;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link HandlerContext} of one delivery to one agent instance. Everything it sends goes out
 * through the {@link Outbox} as this agent, caused by the spore being handled (SPEC §3.15).
 */
final class HandlerContextImpl implements HandlerContext {
  private final Channel channel;
  private final String agentName;
  private final String instanceId;
  private final Delivery delivery;
  private final Spore spore;
  private final Cause cause;
  private final Outbox outbox;
  private final RequestTracker requests;
  private final JsonMapping json;
  private final OpenStreams openStreams;
  private final AtomicBoolean replied = new AtomicBoolean();
  private volatile ReplyStreamImpl stream;

  HandlerContextImpl(Channel channel, String agentName, String instanceId, Delivery delivery, Spore spore,
      Outbox outbox, RequestTracker requests, JsonMapping json, OpenStreams openStreams, Observation observation) {
    this.channel = channel;
    this.agentName = agentName;
    this.instanceId = instanceId;
    this.delivery = delivery;
    this.spore = spore;
    this.cause = Cause.of(spore, observation);
    this.outbox = outbox;
    this.requests = requests;
    this.json = json;
    this.openStreams = openStreams;
  }

  /** What the handler's sends are caused by. */
  Cause cause() {
    return cause;
  }

  @Override
  public String traceId() {
    return cause.trace().traceId();
  }

  @Override
  public String sporeId() {
    return spore.id();
  }

  @Override
  public Optional<String> verifiedUserId() {
    return delivery.verifiedUserId();
  }

  @Override
  public String agentName() {
    return agentName;
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public int attempt() {
    return delivery.attempt();
  }

  @Override
  public CompletableFuture<Void> reply(Object knowledge) {
    claimTheReply();
    return sendFinal(response().knowledge(knowledge).build());
  }

  @Override
  public CompletableFuture<Void> replyError(Throwable error) {
    Objects.requireNonNull(error, "error");
    claimTheReply();
    return sendFinal(errorReply(error));
  }

  @Override
  public CompletableFuture<Void> send(String toAgent, Object knowledge) {
    return outbox.publish(Action.SEND, channel.name(),
        Spore.builder(SporeType.KNOWLEDGE, json).from(agentName).to(toAgent).knowledge(knowledge).build(), cause, null);
  }

  @Override
  public CompletableFuture<Void> broadcast(Object knowledge) {
    return outbox.publish(Action.BROADCAST, channel.name(),
        Spore.builder(SporeType.BROADCAST, json).from(agentName).knowledge(knowledge).build(), cause, null);
  }

  @Override
  public CompletableFuture<Spore> request(String toAgent, Object knowledge, Duration timeout) {
    Spore ask = Spore.builder(SporeType.REQUEST, json).from(agentName).to(toAgent).knowledge(knowledge).build();
    return requests.request(channel.name(), ask, RequestTracker.positive("timeout", timeout), cause);
  }

  @Override
  public <R> CompletableFuture<R> request(String toAgent, Object knowledge, Class<R> replyType, Duration timeout) {
    Objects.requireNonNull(replyType, "replyType");
    return Typed.reply(request(toAgent, knowledge, timeout), replyType);
  }

  @Override
  public synchronized ReplyStream stream() {
    if (stream != null) {
      return stream;
    }
    if (spore.type() != SporeType.REQUEST) {
      throw new IllegalStateException("spore " + spore.id() + " is a " + spore.type().wireValue()
          + ", not a request: there is no one to stream replies to");
    }
    if (replied.get()) {
      throw new IllegalStateException("request " + spore.id() + " was already answered");
    }
    String address = requests.address(); // the caller's cancel comes back here
    stream = new ReplyStreamImpl(spore.id(), spore.fromAgent(), (number, knowledge) -> sendReply(
        response().knowledge(knowledge).metadata(StreamProtocol.KEY, StreamProtocol.part(number, address)).build(),
        false));
    openStreams.opened(spore.id(), stream);
    return stream;
  }

  /** True once the request was answered, by the handler or by Reef. */
  boolean replied() {
    return replied.get();
  }

  /**
   * Replies with a handler's result, unless it replied itself: an {@link Optional} is unwrapped, a
   * {@link Spore} gives its knowledge, null (or empty) replies with no knowledge, and a value that
   * cannot be a JSON object becomes an error reply naming its type, never a silent empty one.
   */
  CompletableFuture<Void> replyWithResult(Object result) {
    if (!replied.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    Object value = result instanceof Optional<?> optional ? optional.orElse(null) : result;
    if (value instanceof Spore answer) {
      value = answer.knowledge(); // e.g. another agent's reply, passed on
    }
    Spore reply;
    try {
      reply = response().knowledge(value).build();
    } catch (IllegalArgumentException e) {
      return sendFinal(errorReply(new IllegalArgumentException("the handler of agent '" + agentName + "' returned a "
          + value.getClass().getName() + ", which cannot be a reply's knowledge: " + e.getMessage(), e)));
    }
    return sendFinal(reply);
  }

  /** Tells the requester that handling failed for good. */
  CompletableFuture<Void> replyWithError(Throwable error) {
    if (!replied.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    return sendFinal(errorReply(error));
  }

  /** The request being handled, once per request: its one reply is now this caller's to send. */
  private void claimTheReply() {
    if (spore.type() != SporeType.REQUEST) {
      throw new IllegalStateException("spore " + spore.id() + " is a " + spore.type().wireValue()
          + ", not a request: there is no one to reply to");
    }
    if (!replied.compareAndSet(false, true)) {
      throw new IllegalStateException("request " + spore.id() + " was already answered");
    }
  }

  private Spore.Builder response() {
    return Spore.builder(SporeType.RESPONSE, json).from(agentName).to(spore.fromAgent()).replyTo(spore.id());
  }

  private Spore errorReply(Throwable error) {
    return response()
        .knowledge(Map.of("error", String.valueOf(error.getMessage())))
        .metadata(Replies.ERROR_KEY, Replies.error(error, agentName))
        .build();
  }

  /** The final reply: after a stream's parts, it says how many there were, and closes the stream. */
  private CompletableFuture<Void> sendFinal(Spore reply) {
    ReplyStreamImpl open = stream;
    if (open == null) {
      return sendReply(reply, true);
    }
    openStreams.closed(spore.id());
    if (open.isCancelled()) {
      return CompletableFuture.completedFuture(null); // the caller has gone: nobody waits for the end
    }
    // A stream's end is not kept: a caller that lost parts cannot be given them again.
    return sendReply(reply.toBuilder().metadata(StreamProtocol.KEY, StreamProtocol.end(open.partsSent())).build(),
        false);
  }

  /** @param answer true for the one reply that answers the request, which is kept to be sent again */
  private CompletableFuture<Void> sendReply(Spore reply, boolean answer) {
    try {
      return answer ? outbox.answer(channel.name(), reply, cause, delivery.replyAddress())
          : outbox.reply(channel.name(), reply, cause, delivery.replyAddress());
    } catch (AccessDeniedException refused) {
      // Without an answer the requester would wait for its timeout: it learns the reply was refused.
      outbox.refusal(channel.name(), response().knowledge(Map.of("error", refused.getMessage()))
          .metadata(Replies.ERROR_KEY, Replies.error(refused, agentName)).build(), cause, delivery.replyAddress());
      throw refused;
    }
  }
}
