package dev.reef.internal.engine;

import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.ChannelHistory;
import dev.reef.Observation;
import dev.reef.ScatterTarget;
import dev.reef.SporeHandler;
import dev.reef.SporeObserver;
import dev.reef.StreamingReply;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A {@link Channel}: checks what only a channel knows, then hands over to the Reef's collaborators. */
final class ChannelImpl implements Channel {
  private final String name;
  private final Outbox outbox;
  private final RequestTracker requests;
  private final Scatter scatter;
  private final Observers observers;
  private final AgentStarter agents;
  private final JsonMapping json;
  private final Histories histories;

  ChannelImpl(String name, Outbox outbox, RequestTracker requests, Scatter scatter, Observers observers,
      AgentStarter agents, JsonMapping json, Histories histories) {
    this.name = name;
    this.outbox = outbox;
    this.requests = requests;
    this.scatter = scatter;
    this.observers = observers;
    this.agents = agents;
    this.json = json;
    this.histories = histories;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<Void> send(Spore spore) {
    Objects.requireNonNull(spore, "spore");
    if (spore.isBroadcast()) {
      throw new IllegalArgumentException("send needs a spore with to_agent set; use broadcast for a spore to every agent");
    }
    if (spore.type() == SporeType.REQUEST) {
      throw new IllegalArgumentException("a request spore must go through request(...), which waits for its reply");
    }
    return outbox.publish(Action.SEND, name, spore, null, null);
  }

  @Override
  public CompletableFuture<Void> send(String fromAgent, String toAgent, Object knowledge) {
    return send(Spore.builder(SporeType.KNOWLEDGE, json).from(fromAgent).to(toAgent).knowledge(knowledge).build());
  }

  @Override
  public CompletableFuture<Void> broadcast(Spore spore) {
    Objects.requireNonNull(spore, "spore");
    if (!spore.isBroadcast()) {
      throw new IllegalArgumentException(
          "a broadcast goes to every agent, but this spore has to_agent '" + spore.toAgent() + "'; use send");
    }
    return outbox.publish(Action.BROADCAST, name, spore, null, null);
  }

  @Override
  public CompletableFuture<Void> broadcast(String fromAgent, Object knowledge) {
    return broadcast(Spore.builder(SporeType.BROADCAST, json).from(fromAgent).knowledge(knowledge).build());
  }

  @Override
  public CompletableFuture<Spore> request(Spore request, Duration timeout) {
    Objects.requireNonNull(request, "request");
    if (request.type() != SporeType.REQUEST) {
      throw new IllegalArgumentException("request(...) needs a spore of type request, got " + request.type().wireValue());
    }
    return requests.request(name, request, RequestTracker.positive("timeout", timeout), null);
  }

  @Override
  public CompletableFuture<Spore> request(String fromAgent, String toAgent, Object knowledge, Duration timeout) {
    return request(Spore.builder(SporeType.REQUEST, json).from(fromAgent).to(toAgent).knowledge(knowledge).build(),
        timeout);
  }

  @Override
  public <R> CompletableFuture<R> request(String fromAgent, String toAgent, Object knowledge, Class<R> replyType,
      Duration timeout) {
    Objects.requireNonNull(replyType, "replyType");
    return Typed.reply(request(fromAgent, toAgent, knowledge, timeout), replyType);
  }

  @Override
  public StreamingReply requestStream(String fromAgent, String toAgent, Object knowledge, Duration idleTimeout,
      Consumer<Spore> onPart) {
    return requestStream(Spore.builder(SporeType.REQUEST, json).from(fromAgent).to(toAgent).knowledge(knowledge)
        .build(), idleTimeout, onPart);
  }

  @Override
  public StreamingReply requestStream(Spore request, Duration idleTimeout, Consumer<Spore> onPart) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(onPart, "onPart");
    if (request.type() != SporeType.REQUEST) {
      throw new IllegalArgumentException("requestStream(...) needs a spore of type request, got "
          + request.type().wireValue());
    }
    return requests.stream(name, request, RequestTracker.positive("idleTimeout", idleTimeout), null, onPart);
  }

  @Override
  public CompletableFuture<List<Spore>> scatter(
      String fromAgent, Object knowledge, ScatterTarget target, Duration deadline) {
    Names.require("agent name", fromAgent);
    Objects.requireNonNull(target, "target");
    return scatter.scatter(name, fromAgent, knowledge, target, RequestTracker.positive("deadline", deadline));
  }

  @Override
  public Observation observe(SporeObserver observer) {
    Objects.requireNonNull(observer, "observer must not be null");
    return observers.observe(name, observer);
  }

  @Override
  public long backlog(String agentName) {
    return observers.backlog(name, agentName);
  }

  @Override
  public ChannelHistory history() {
    return histories.of(name);
  }

  @Override
  public Subscription subscribe(String agentName, SporeHandler handler) {
    return subscribe(agentName, SubscriptionOptions.DEFAULT, handler);
  }

  @Override
  public Subscription subscribe(String agentName, SubscriptionOptions options, SporeHandler handler) {
    return agents.start(this, agentName, options, handler);
  }

  @Override
  public String toString() {
    return "Channel[" + name + "]";
  }
}
