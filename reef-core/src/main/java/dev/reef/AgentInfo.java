package dev.reef;

import java.time.Instant;
import java.util.Set;

/** One agent instance, as the {@link AgentDirectory} knows it. */
public interface AgentInfo {

  /** The agent name. */
  String agentName();

  /** The instance's unique id. */
  String instanceId();

  /** The channel it consumes. */
  String channel();

  /** What it offers, for scatter-gather by capability. */
  Set<String> capabilities();

  /** The host its process runs on. */
  String host();

  /** Its process's id on that host, or -1 when unknown. */
  long pid();

  /** The id of the Reef (the connection) that runs it; unique per process and Reef. */
  String reefId();

  /** When the instance started. */
  Instant startedAt();

  /** When its Reef last said it was alive. */
  Instant lastHeartbeat();

  /** Its state now. */
  AgentState state();

  /**
   * The site it runs at, when sites are linked (see docs/sites.md); empty on a Reef without sites.
   * Instances of other sites are listed beside this site's own.
   */
  default String site() {
    return "";
  }

  /** True when the instance runs in this very Reef. */
  boolean isLocal();
}
