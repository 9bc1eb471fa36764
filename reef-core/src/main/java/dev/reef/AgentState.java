package dev.reef;

/** How an agent instance looks to the {@link AgentDirectory}. */
public enum AgentState {
  /** Heard of within three heartbeats, and not stuck in a handler. */
  ONLINE,
  /**
   * Not heard of for three heartbeats (its process is hung, stopped or cut off), or stuck: it holds
   * spores and has not started or finished a handler for three heartbeats.
   */
  SILENT,
  /** Stopped: it said goodbye. Kept in the listing for a while, then forgotten. */
  LEFT
}
