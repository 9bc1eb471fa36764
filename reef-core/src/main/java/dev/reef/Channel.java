package dev.reef;

import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A named channel of a {@link Reef}: send, broadcast, request and subscribe on it.
 *
 * <p>Every method validates its arguments and asks the {@link Authorizer} before anything is sent,
 * throwing at once ({@link IllegalArgumentException}, {@link AccessDeniedException}, {@link
 * RateLimitExceededException}, {@link ReefClosedException}). What the backend decides arrives
 * through the returned future: it completes when the backend has taken responsibility for the
 * spore, or fails ({@link UnknownDestinationException}, {@link QueueFullException}, {@link
 * ReefException}).
 */
public interface Channel {

  /** The channel name. */
  String name();

  /** Sends a directed spore (its {@code toAgent} set) to exactly one instance of the recipient. */
  CompletableFuture<Void> send(Spore spore);

  /** Sends a knowledge spore from {@code fromAgent} to {@code toAgent}. */
  CompletableFuture<Void> send(String fromAgent, String toAgent, Object knowledge);

  /**
   * Sends a spore with no recipient to every agent name subscribed on the channel, once each,
   * except the sender's own name.
   */
  CompletableFuture<Void> broadcast(Spore spore);

  /** Broadcasts a broadcast-type spore from {@code fromAgent} with {@code knowledge}. */
  CompletableFuture<Void> broadcast(String fromAgent, Object knowledge);

  /**
   * Sends a request spore and returns its reply. The future fails with {@link
   * RequestTimeoutException} when no reply comes within {@code timeout}, and with {@link
   * RemoteHandlerException} when the handler failed. The request expires with the timeout.
   */
  CompletableFuture<Spore> request(Spore request, Duration timeout);

  /** Sends a request from {@code fromAgent} to {@code toAgent} with {@code knowledge}. */
  CompletableFuture<Spore> request(String fromAgent, String toAgent, Object knowledge, Duration timeout);

  /**
   * Sends a request and returns its reply's knowledge read as {@code replyType} (a record or bean;
   * null when the reply carries none). A reply that does not fit fails the future with an {@link
   * IllegalArgumentException} naming the type; otherwise as {@link #request(String, String, Object,
   * Duration)}.
   */
  <R> CompletableFuture<R> request(String fromAgent, String toAgent, Object knowledge, Class<R> replyType,
      Duration timeout);

  /**
   * Sends a request whose handler answers in parts (SPEC §3.14): {@code onPart} gets each partial
   * reply in order, as it comes, on a Reef worker thread; then {@link StreamingReply#reply()}
   * completes with the final reply, or fails with the remote error, or with {@link
   * StreamIdleException} when more than {@code idleTimeout} passes without a part (the request, too,
   * expires unhandled after it). A handler that sends no parts is answered as a plain request; a
   * plain request to a handler that streams gets its final reply only.
   */
  StreamingReply requestStream(String fromAgent, String toAgent, Object knowledge, Duration idleTimeout,
      Consumer<Spore> onPart);

  /**
   * Sends {@code request} (a spore of type request, with its own metadata, priority...) as {@link
   * #requestStream(String, String, Object, Duration, Consumer)} does; it expires with the idle timeout
   * unless it expires sooner.
   */
  StreamingReply requestStream(Spore request, Duration idleTimeout, Consumer<Spore> onPart);

  /**
   * Asks every agent of {@code target} (running now, the sender excluded) with a request and
   * collects the replies that arrive before {@code deadline}. Completes early when all have
   * answered; failed or missing answers are left out.
   */
  CompletableFuture<List<Spore>> scatter(
      String fromAgent, Object knowledge, ScatterTarget target, Duration deadline);

  /**
   * Shows every spore published on this channel from now on to {@code observer}, without taking it
   * from any agent (for tools such as {@code reef tail} and dashboards). Close the result to stop.
   *
   * @throws AccessDeniedException when the {@link Authorizer} refuses {@link Action#OBSERVE}
   */
  Observation observe(SporeObserver observer);

  /**
   * How many spores wait in the queue of {@code agentName} on this channel, not yet handed to an
   * instance (asks the {@link Authorizer} as {@link Action#OBSERVE}).
   *
   * @throws UnknownDestinationException when no agent of that name ever subscribed here
   */
  long backlog(String agentName);

  /**
   * The channel's history (SPEC §3.16): keep it, read it, follow it, walk its causal chains. Kept or
   * not, the object is cheap; reading a channel that keeps no history fails.
   */
  ChannelHistory history();

  /** Starts an instance of {@code agentName} with {@link SubscriptionOptions#DEFAULT}. */
  Subscription subscribe(String agentName, SporeHandler handler);

  /** Starts an instance of {@code agentName}. */
  Subscription subscribe(String agentName, SubscriptionOptions options, SporeHandler handler);
}
