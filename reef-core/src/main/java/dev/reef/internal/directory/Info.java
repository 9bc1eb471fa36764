package dev.reef.internal.directory;

import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.spi.PresenceMessage;
import java.time.Instant;
import java.util.Set;

/** One instance as the directory lists it. */
record Info(
    String agentName,
    String instanceId,
    String channel,
    Set<String> capabilities,
    String host,
    long pid,
    String reefId,
    Instant startedAt,
    Instant lastHeartbeat,
    AgentState state,
    boolean isLocal,
    String site) implements AgentInfo {

  Info(PresenceMessage.Instance instance, String host, long pid, String reefId, Instant lastHeartbeat,
      AgentState state, boolean local, String site) {
    this(instance.agent(), instance.instanceId(), instance.channel(), instance.capabilities(), host, pid, reefId,
        instance.startedAt(), lastHeartbeat, state, local, site);
  }

  Info withState(AgentState other) {
    return new Info(agentName, instanceId, channel, capabilities, host, pid, reefId, startedAt, lastHeartbeat, other,
        isLocal, site);
  }
}
