package dev.reef;

/** The recipient's queue is at its length limit, so the spore was refused rather than lost. */
public final class QueueFullException extends ReefException {

  /** Creates the exception. */
  public QueueFullException(String message) {
    super(message);
  }
}
