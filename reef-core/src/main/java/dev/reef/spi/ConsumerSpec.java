package dev.reef.spi;

import dev.reef.spore.Names;
import java.util.Objects;

/**
 * One consuming instance of an agent on a channel.
 *
 * @param channel the channel name
 * @param agentName the agent name, whose queue on the channel is shared by all its instances
 * @param instanceId unique per running instance
 * @param prefetch the most unsettled deliveries this instance holds at once
 */
public record ConsumerSpec(String channel, String agentName, String instanceId, int prefetch) {

  /** Checks the fields. */
  public ConsumerSpec {
    Names.require("channel name", channel);
    Names.require("agent name", agentName);
    Objects.requireNonNull(instanceId, "instanceId");
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
    }
  }
}
