package dev.reef.spi;

/** A running consumer opened by {@link ReefBackend#consume}. */
public interface ConsumerHandle {

  /** Stops new deliveries. Deliveries already handed out can still be settled. Idempotent. */
  void cancel();

  /**
   * Cancels, then returns every delivery still unsettled to the queue (as a crashed instance's would
   * be), where other instances get them. Later settlements of those deliveries are ignored.
   * Idempotent.
   */
  void close();
}
