package dev.reef;

/** The {@link Authorizer} refused an action. */
public final class AccessDeniedException extends ReefException {
  private final AccessRequest request;

  /** Creates the exception for a refused {@code request}. */
  public AccessDeniedException(AccessRequest request, String reason) {
    super("refused " + request.action()
        + (request.agent() == null ? "" : " by '" + request.agent() + "'")
        + (request.channel() == null ? "" : " on channel '" + request.channel() + "'")
        + (request.target() == null ? "" : " to '" + request.target() + "'") + ": " + reason);
    this.request = request;
  }

  /** What was refused. */
  public AccessRequest request() {
    return request;
  }
}
