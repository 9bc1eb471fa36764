package dev.reef;

/** A dead letter's replay could not succeed, and nothing was sent; the message says why. */
public final class ReplayRefusedException extends ReefException {

  /** Creates the exception for dead letter {@code id}. */
  public ReplayRefusedException(String id, String reason) {
    super("dead letter " + id + " was not replayed: " + reason);
  }
}
