package dev.reef;

import dev.reef.spi.Outbound;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Channel} on a {@link Reef}: checks, asks the authorizer, then hands spores to the backend. */
final class ChannelImpl implements Channel {
  private final Reef reef;
  private final String name;
  /** Per sending agent, its meters: one lookup by name per send, not a registry key built per send. */
  private final Map<String, ReefMetrics.SendCounters> senders = new ConcurrentHashMap<>();

  ChannelImpl(Reef reef, String name) {
    this.reef = reef;
    this.name = name;
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
    return publish(Action.SEND, spore, null);
  }

  @Override
  public CompletableFuture<Void> send(String fromAgent, String toAgent, Object knowledge) {
    return send(Spore.builder(SporeType.KNOWLEDGE).from(fromAgent).to(toAgent).knowledge(knowledge).build());
  }

  @Override
  public CompletableFuture<Void> broadcast(Spore spore) {
    Objects.requireNonNull(spore, "spore");
    if (!spore.isBroadcast()) {
      throw new IllegalArgumentException(
          "a broadcast goes to every agent, but this spore has to_agent '" + spore.toAgent() + "'; use send");
    }
    reef.ensureOpen();
    if (!reef.rateLimiter().tryAcquire(spore.fromAgent())) {
      reef.metrics().refused(Action.BROADCAST, name, spore.fromAgent());
      throw new RateLimitExceededException("agent '" + spore.fromAgent() + "' exceeded its broadcast rate of "
          + reef.rateLimiter().describe() + " on channel '" + name + "'");
    }
    return publish(Action.BROADCAST, spore, null);
  }

  @Override
  public CompletableFuture<Void> broadcast(String fromAgent, Object knowledge) {
    return broadcast(Spore.builder(SporeType.BROADCAST).from(fromAgent).knowledge(knowledge).build());
  }

  @Override
  public CompletableFuture<Spore> request(Spore request, Duration timeout) {
    Objects.requireNonNull(request, "request");
    if (request.type() != SporeType.REQUEST) {
      throw new IllegalArgumentException("request(...) needs a spore of type request, got " + request.type().wireValue());
    }
    requirePositive("timeout", timeout);
    return reef.requests().request(this, request, timeout);
  }

  @Override
  public CompletableFuture<Spore> request(String fromAgent, String toAgent, Object knowledge, Duration timeout) {
    return request(Spore.builder(SporeType.REQUEST).from(fromAgent).to(toAgent).knowledge(knowledge).build(), timeout);
  }

  @Override
  public CompletableFuture<List<Spore>> scatter(
      String fromAgent, Object knowledge, ScatterTarget target, Duration deadline) {
    Names.require("agent name", fromAgent);
    Objects.requireNonNull(target, "target");
    requirePositive("deadline", deadline);
    return reef.requests().scatter(this, fromAgent, knowledge, target, deadline);
  }

  @Override
  public AutoCloseable observe(SporeObserver observer) {
    Objects.requireNonNull(observer, "observer must not be null");
    reef.ensureOpen();
    return reef.backend().observe(name, observer);
  }

  @Override
  public Subscription subscribe(String agentName, SporeHandler handler) {
    return subscribe(agentName, SubscriptionOptions.DEFAULT, handler);
  }

  @Override
  public Subscription subscribe(String agentName, SubscriptionOptions options, SporeHandler handler) {
    Names.require("agent name", agentName);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler must not be null");
    reef.ensureNotClosing();
    authorize(new AccessRequest(Action.SUBSCRIBE, name, agentName, null, null));
    return AgentInstance.start(reef, this, agentName, options, handler);
  }

  /** Checks size and access, then publishes; counts the spore once the backend took it. */
  CompletableFuture<Void> publish(Action action, Spore spore, String replyAddress) {
    return publishStamped(action, stampTrace(spore), replyAddress);
  }

  /** Marks a spore sent while handling another as part of that one's trace (SPEC §7). */
  static Spore stampTrace(Spore spore) {
    TraceContext trace = TraceContext.current();
    return trace == null ? spore : trace.stamp(spore);
  }

  private CompletableFuture<Void> publishStamped(Action action, Spore spore, String replyAddress) {
    reef.ensureOpen();
    checkSize(spore);
    authorize(new AccessRequest(action, name, spore.fromAgent(), spore.toAgent(), spore));
    ReefMetrics.SendCounters counters = senders.get(spore.fromAgent());
    if (counters == null) {
      counters = senders.computeIfAbsent(spore.fromAgent(), agent -> reef.metrics().sendCounters(name, agent));
    }
    return reef.metrics().countSend(reef.backend().publish(Outbound.of(name, spore, replyAddress)), counters, name,
        spore);
  }

  void checkSize(Spore spore) {
    int limit = reef.maxKnowledgeBytes();
    if (spore.knowledgeBytes() > limit) {
      throw new dev.reef.spore.InvalidSporeException("knowledge",
          "encoded size " + spore.knowledgeBytes() + " bytes exceeds the limit of " + limit + " bytes");
    }
  }

  void authorize(AccessRequest request) {
    String refusal = reef.authorizer().refusal(request);
    if (refusal != null) {
      reef.metrics().refused(request.action(), name, request.agent());
      throw new AccessDeniedException(request, refusal);
    }
  }

  Reef reef() {
    return reef;
  }

  private static void requirePositive(String what, Duration duration) {
    Objects.requireNonNull(duration, what);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, got " + duration);
    }
  }

  @Override
  public String toString() {
    return "Channel[" + name + "]";
  }
}
