package dev.reef;

/** What an {@link Authorizer} is asked to allow (SPEC §8). */
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
  UNSUBSCRIBE,
  /**
   * Watching a channel: every spore published on it ({@link Channel#observe}), its agents' backlogs,
   * or (with no channel) the broker objects of the namespace.
   */
  OBSERVE,
  /** Listing the dead letters of a namespace. */
  DEAD_LETTER_LIST,
  /** Sending a dead letter's spore back to its agent (the re-send is also put to the authorizer as a send). */
  DEAD_LETTER_REPLAY,
  /** Deleting the dead letters of a namespace. */
  DEAD_LETTER_PURGE,
  /** Deleting every broker object of a namespace. */
  NAMESPACE_DELETE,
  /** Reading a channel's history: bounded reads, follows, cursors and causal look-ups (SPEC §3.16). */
  HISTORY_READ,
  /** Turning on a channel's history, with its retention (an operator's action, like deleting a namespace). */
  HISTORY_KEEP
}
