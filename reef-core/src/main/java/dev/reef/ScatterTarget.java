package dev.reef;

import dev.reef.spore.Names;
import java.util.Optional;

/**
 * Who a scatter-gather request goes to: every agent on the channel, or every agent offering a
 * capability. Only agents with an online instance are asked; the sender never asks itself.
 */
public final class ScatterTarget {
  private final String capability;

  private ScatterTarget(String capability) {
    this.capability = capability;
  }

  /** Every other agent with an online instance on the channel. */
  public static ScatterTarget allAgents() {
    return new ScatterTarget(null);
  }

  /** Every other agent on the channel that offers {@code capability}. */
  public static ScatterTarget capability(String capability) {
    return new ScatterTarget(Names.require("capability", capability));
  }

  /** The capability asked for; empty for every agent. */
  public Optional<String> capability() {
    return Optional.ofNullable(capability);
  }

  @Override
  public String toString() {
    return capability == null ? "all agents" : "agents with capability '" + capability + "'";
  }
}
