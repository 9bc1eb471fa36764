package dev.reef;

/**
 * Thrown by a handler (or by Reef on its behalf) for a spore it can never handle, such as knowledge
 * that does not fit the type the handler reads: the spore is dead-lettered at once with the reason,
 * never retried, and a request's caller gets the error at once.
 */
public class UnprocessableSporeException extends ReefException {

  /** Creates the exception. */
  public UnprocessableSporeException(String message) {
    super(message);
  }

  /** Creates the exception with its cause. */
  public UnprocessableSporeException(String message, Throwable cause) {
    super(message, cause);
  }
}
