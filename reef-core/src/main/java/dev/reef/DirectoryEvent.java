package dev.reef;

import java.util.Objects;

/**
 * A change in the {@link AgentDirectory}.
 *
 * @param kind what happened
 * @param agent the instance, as it is after the change
 */
public record DirectoryEvent(Kind kind, AgentInfo agent) {

  /** What happened to an instance. */
  public enum Kind {
    /** It started (or was first heard of). */
    JOINED,
    /** It went silent. */
    SILENT,
    /** It was heard of again after going silent. */
    BACK,
    /** It stopped. */
    LEFT
  }

  /** Checks the fields. */
  public DirectoryEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(agent, "agent");
  }
}
