package dev.reef;

/** A directed spore names an agent that has never subscribed on the channel (SPEC §3.6). */
public final class UnknownDestinationException extends ReefException {

  /** Creates the exception for {@code agent} on {@code channel}. */
  public UnknownDestinationException(String channel, String agent) {
    super("no agent named '" + agent + "' has ever subscribed on channel '" + channel + "'");
  }

  /** Creates the exception with a backend-specific message. */
  public UnknownDestinationException(String message) {
    super(message);
  }
}
