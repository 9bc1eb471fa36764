package dev.reef.tools.cli;

import dev.reef.AgentInfo;
import dev.reef.tools.launch.ReefConnection;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Close names for an agent that was not found, from the namespace's directory: asked only once a
 * command has failed, so a command that succeeds never waits for the directory.
 */
final class KnownAgents {
  /** How long a failed command waits to hear who runs, before suggesting names. */
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(1);

  private KnownAgents() {}

  /**
   * {@code " (did you mean 'calculator'?)"}, or where the agent runs when it runs on another channel,
   * or empty.
   */
  static String didYouMean(ReefConnection reef, String agent, String channel) throws InterruptedException {
    DirectorySettling.await(reef.directory(), SETTLE_LIMIT);
    Set<String> onChannel = new TreeSet<>();
    Set<String> elsewhere = new TreeSet<>();
    for (AgentInfo info : reef.directory().agents()) {
      if (info.channel().equals(channel)) {
        onChannel.add(info.agentName());
      } else if (info.agentName().equals(agent)) {
        elsewhere.add(info.channel());
      }
    }
    if (!elsewhere.isEmpty()) {
      return " ('" + agent + "' runs on channel " + String.join(", ", elsewhere.stream().map(c -> "'" + c + "'")
          .toList()) + ": add --channel)";
    }
    return Suggestions.didYouMean(agent, onChannel);
  }
}
