package dev.reef;

/** Something Reef could not do. Subclasses name the cause. */
public class ReefException extends RuntimeException {

  /** Creates the exception. */
  public ReefException(String message) {
    super(message);
  }

  /** Creates the exception with its cause. */
  public ReefException(String message, Throwable cause) {
    super(message, cause);
  }
}
