package dev.reef;

/** What an {@link Authorizer} is asked to allow. */
public enum Action {
  /** A directed spore. */
  SEND,
  /** A spore to every agent on a channel. */
  BROADCAST,
  /** A request that expects a reply. */
  REQUEST,
  /** A reply to a request. */
  REPLY,
  /** A request to many agents at once. */
  SCATTER,
  /** Starting an agent instance on a channel. */
  SUBSCRIBE,
  /** Stopping an agent instance. */
  UNSUBSCRIBE
}
