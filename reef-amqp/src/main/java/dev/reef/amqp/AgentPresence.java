package dev.reef.amqp;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One running agent instance, as its process announced it on the broker (SPEC §5 presence).
 *
 * @param agent the agent name
 * @param instanceId the instance's unique id
 * @param channel the channel it consumes
 * @param capabilities what it offers, for scatter-gather by capability
 * @param host the host its process runs on
 * @param startedAt when the instance started
 * @param lastSeen when its process last announced itself (now, for this process's own instances)
 * @param online false once its process has missed three heartbeats: it went silent
 */
public record AgentPresence(
    String agent,
    String instanceId,
    String channel,
    Set<String> capabilities,
    String host,
    Instant startedAt,
    Instant lastSeen,
    boolean online) {

  /** Checks the fields. */
  public AgentPresence {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(channel, "channel");
    capabilities = Set.copyOf(capabilities);
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}
