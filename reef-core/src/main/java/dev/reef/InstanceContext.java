package dev.reef;

import dev.reef.spi.Delivery;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@link HandlerContext} of one delivery to one agent instance. */
final class InstanceContext implements HandlerContext {
  private final AgentInstance instance;
  private final Delivery delivery;
  private final AtomicBoolean replied = new AtomicBoolean();
  private final TraceContext trace;

  InstanceContext(AgentInstance instance, Delivery delivery) {
    this.instance = instance;
    this.delivery = delivery;
    this.trace = TraceContext.of(delivery.spore());
  }

  @Override
  public String traceId() {
    return trace.traceId();
  }

  TraceContext trace() {
    return trace;
  }

  @Override
  public java.util.Optional<String> verifiedUserId() {
    return java.util.Optional.ofNullable(delivery.verifiedUserId());
  }

  @Override
  public String agentName() {
    return instance.agentName();
  }

  @Override
  public String instanceId() {
    return instance.instanceId();
  }

  @Override
  public Channel channel() {
    return instance.channelImpl();
  }

  @Override
  public int attempt() {
    return delivery.attempt();
  }

  @Override
  public CompletableFuture<Void> reply(Object knowledge) {
    Spore request = claimTheReply();
    return sendReply(response(request).knowledge(knowledge).build());
  }

  @Override
  public CompletableFuture<Void> replyError(Throwable error) {
    Objects.requireNonNull(error, "error");
    Spore request = claimTheReply();
    return sendReply(errorReply(request, error));
  }

  /** The request being handled, once per request: its one reply is now this caller's to send. */
  private Spore claimTheReply() {
    Spore request = delivery.spore();
    if (request.type() != SporeType.REQUEST) {
      throw new IllegalStateException("spore " + request.id() + " is a " + request.type().wireValue()
          + ", not a request: there is no one to reply to");
    }
    if (!replied.compareAndSet(false, true)) {
      throw new IllegalStateException("request " + request.id() + " was already answered");
    }
    return request;
  }

  @Override
  public CompletableFuture<Void> send(String toAgent, Object knowledge) {
    return instance.channelImpl().send(trace.stamp(
        Spore.builder(SporeType.KNOWLEDGE).from(agentName()).to(toAgent).knowledge(knowledge).build()));
  }

  @Override
  public CompletableFuture<Void> broadcast(Object knowledge) {
    return instance.channelImpl().broadcast(trace.stamp(
        Spore.builder(SporeType.BROADCAST).from(agentName()).knowledge(knowledge).build()));
  }

  @Override
  public CompletableFuture<Spore> request(String toAgent, Object knowledge, Duration timeout) {
    return instance.channelImpl().request(trace.stamp(
        Spore.builder(SporeType.REQUEST).from(agentName()).to(toAgent).knowledge(knowledge).build()), timeout);
  }

  boolean replied() {
    return replied.get();
  }

  /** Replies with a handler's return value; a value that is not a JSON object becomes an error reply. */
  CompletableFuture<Void> replyWithResult(Object result) {
    if (!replied.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    Spore request = delivery.spore();
    Spore reply;
    try {
      reply = response(request).knowledge(result).build();
    } catch (IllegalArgumentException e) {
      return sendReply(errorReply(request, e));
    }
    return sendReply(reply);
  }

  /** Tells the requester that handling failed for good. */
  CompletableFuture<Void> replyWithError(Throwable error) {
    if (!replied.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    return sendReply(errorReply(delivery.spore(), error));
  }

  private Spore.Builder response(Spore request) {
    return Spore.builder(SporeType.RESPONSE).from(agentName()).to(request.fromAgent()).replyTo(request.id())
        .metadata(TraceContext.KEY, trace.childTraceparent());
  }

  private Spore errorReply(Spore request, Throwable error) {
    String message = String.valueOf(error.getMessage());
    return response(request)
        .knowledge(Map.of("error", message))
        .metadata(RequestTracker.ERROR_KEY, JsonDocument.of(Map.of(
            "type", error.getClass().getName(), "message", message, "agent", agentName())).toObjectNode())
        .build();
  }

  private CompletableFuture<Void> sendReply(Spore reply) {
    ChannelImpl channel = instance.channelImpl();
    Reef reef = instance.reef();
    reef.ensureOpen();
    channel.checkSize(reply);
    channel.authorize(new AccessRequest(Action.REPLY, channel.name(), reply.fromAgent(), reply.toAgent(), reply));
    String address = delivery.replyAddress();
    CompletableFuture<Void> sent = address != null
        ? reef.backend().sendReply(address, reply)
        // A requester without a reply address (e.g. a foreign client) gets the reply in its agent queue.
        : reef.backend().publish(dev.reef.spi.Outbound.of(channel.name(), reply, null));
    return reef.metrics().countSend(sent, channel.name(), reply);
  }
}
