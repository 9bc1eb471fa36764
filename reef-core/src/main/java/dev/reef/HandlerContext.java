package dev.reef;

import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** What a handler can do while handling one spore: reply, and send as its agent. */
public interface HandlerContext {

  /** The handling agent's name. */
  String agentName();

  /** The handling instance's id. */
  String instanceId();

  /** The channel the spore came through. */
  Channel channel();

  /** 1 on the first attempt, n on the n-th after retries. */
  int attempt();

  /**
   * The W3C trace id (32 hex digits) of the chain this spore belongs to. Spores sent while handling
   * it (through this context or the Reef, on the handler's thread) carry it on in their {@code
   * traceparent} metadata; a spore that starts a chain has its own id, without dashes, as trace id.
   */
  String traceId();

  /**
   * The user the transport verified as the publisher of the spore being handled; empty when it
   * authenticates none (in-memory). AMQP: the broker login of the connection that published it,
   * carried in the {@code user_id} property that RabbitMQ checks. Unlike {@code from_agent}, which
   * any sender can write, a sender cannot forge it. A retried (or redelivered) spore keeps its first
   * publisher's user; a replayed dead letter was re-sent by the Reef that replayed it, and carries
   * that Reef's user. To prove which agent made a spore wherever it travels, sign it ({@link
   * dev.reef.security.SporeSigning}).
   */
  java.util.Optional<String> verifiedUserId();

  /** The id of the spore being handled: what every spore this handler sends carries as {@code caused_by}. */
  String sporeId();

  /**
   * Replies to the request being handled. At most one reply per request.
   *
   * @throws IllegalStateException when the spore is not a request or was already answered
   */
  CompletableFuture<Void> reply(Object knowledge);

  /**
   * Answers the request being handled with an error, for good: the caller's future fails with a
   * {@link RemoteHandlerException} carrying the error's class name and message. Unlike throwing from
   * the handler, this retries nothing and dead-letters nothing: the request was understood and
   * refused, and the spore is acknowledged once the handler returns.
   *
   * @throws IllegalStateException when the spore is not a request or was already answered
   */
  CompletableFuture<Void> replyError(Throwable error);

  /** Sends a knowledge spore from this agent to {@code toAgent} on this channel. */
  CompletableFuture<Void> send(String toAgent, Object knowledge);

  /** Broadcasts from this agent to every other agent on this channel. */
  CompletableFuture<Void> broadcast(Object knowledge);

  /** Sends a request from this agent and returns its reply. */
  CompletableFuture<Spore> request(String toAgent, Object knowledge, Duration timeout);

  /**
   * Sends a request from this agent and returns its reply's knowledge read as {@code replyType}
   * (null when the reply carries none). A reply that does not fit fails the future with an {@link
   * IllegalArgumentException} naming the type.
   */
  <R> CompletableFuture<R> request(String toAgent, Object knowledge, Class<R> replyType, Duration timeout);

  /**
   * Opens (on the first call) the stream of partial replies to the request being handled (SPEC
   * §3.14): send parts with {@link ReplyStream#send}; the handler's return value, or its error, ends
   * the stream as the final reply.
   *
   * @throws IllegalStateException when the spore is not a request, or was already answered
   */
  ReplyStream stream();
}
