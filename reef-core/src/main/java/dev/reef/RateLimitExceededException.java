package dev.reef;

/** A sender broadcast faster than the configured per-sender broadcast rate. */
public final class RateLimitExceededException extends ReefException {

  /** Creates the exception. */
  public RateLimitExceededException(String message) {
    super(message);
  }
}
