package dev.reef;

/** The handler that received a request threw; this carries its error to the requester. */
public final class RemoteHandlerException extends ReefException {
  private final String agent;
  private final String errorType;
  private final String remoteMessage;

  /** Creates the exception from the error reply of {@code agent}. */
  public RemoteHandlerException(String agent, String errorType, String remoteMessage) {
    super("agent '" + agent + "' failed: " + errorType + ": " + remoteMessage);
    this.agent = agent;
    this.errorType = errorType;
    this.remoteMessage = remoteMessage;
  }

  /** The agent whose handler failed. */
  public String agent() {
    return agent;
  }

  /** The remote exception's class name. */
  public String errorType() {
    return errorType;
  }

  /** The remote exception's message. */
  public String remoteMessage() {
    return remoteMessage;
  }
}
