package dev.reef.spi;

import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import java.util.Objects;

/**
 * A spore on its way into a channel.
 *
 * @param channel the channel name
 * @param spore the spore
 * @param targetAgent the agent queue to route to (an agent name, or {@code AGENT@SITE} for the agent's
 *     instances at one site: backends without sites refuse it as an unknown destination), or null to route to every agent queue on the
 *     channel. Usually the spore's {@code toAgent}; differs when a retried or replayed broadcast goes
 *     back to the one agent that failed it.
 * @param replyAddress for a request, the requester's {@link ReplyEndpoint#address()}; else null
 * @param attempt 1 for a first delivery, n for the n-th attempt after retries
 */
public record Outbound(String channel, Spore spore, String targetAgent, String replyAddress, int attempt) {

  /** Checks the fields. */
  public Outbound {
    Names.require("channel name", channel);
    Objects.requireNonNull(spore, "spore");
    if (targetAgent != null) {
      Names.requireAddress("agent name", targetAgent); // AGENT or AGENT@SITE
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
  }

  /** A first attempt routed as the spore says: to its recipient, or to everyone. */
  public static Outbound of(String channel, Spore spore, String replyAddress) {
    return new Outbound(channel, spore, spore.toAgent(), replyAddress, 1);
  }
}
