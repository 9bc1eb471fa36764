package dev.reef;

/** The {@link Reef} (or subscription) was used after it was closed. */
public final class ReefClosedException extends IllegalStateException {

  /** Creates the exception. */
  public ReefClosedException(String message) {
    super(message);
  }
}
