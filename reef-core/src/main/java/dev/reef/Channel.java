package dev.reef;

import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

  /** Starts an instance of {@code agentName} with {@link SubscriptionOptions#DEFAULT}. */
  Subscription subscribe(String agentName, SporeHandler handler);

  /** Starts an instance of {@code agentName}. */
  Subscription subscribe(String agentName, SubscriptionOptions options, SporeHandler handler);
}
