package dev.reef.spi;

import dev.reef.spore.Names;
import java.util.Objects;
import java.util.Set;

/**
 * One consuming instance of an agent on a channel.
 *
 * @param channel the channel name
 * @param agentName the agent name, whose queue on the channel is shared by all its instances
 * @param instanceId unique per running instance
 * @param prefetch the most unsettled deliveries this instance holds at once
 * @param capabilities what the agent offers, for scatter-gather by capability
 */
public record ConsumerSpec(
    String channel, String agentName, String instanceId, int prefetch, Set<String> capabilities) {

  /** Checks the fields. */
  public ConsumerSpec {
    Names.require("channel name", channel);
    Names.require("agent name", agentName);
    Objects.requireNonNull(instanceId, "instanceId");
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
    }
    capabilities = Set.copyOf(capabilities);
  }
}
