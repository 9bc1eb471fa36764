package dev.reef;

/**
 * Decides whether an action may happen. Asked before every {@link Action}: sends, broadcasts,
 * requests, replies, scatters, subscribing and unsubscribing, observing a channel, and listing,
 * replaying or purging dead letters; a refusal fails the call with {@link AccessDeniedException}.
 * Must be thread-safe and fast: it runs on the caller's thread.
 */
@FunctionalInterface
public interface Authorizer {

  /** Allows everything. */
  Authorizer ALLOW_ALL = request -> null;

  /** Returns null to allow {@code request}, or the reason for refusing it. */
  String refusal(AccessRequest request);
}
