package dev.reef.spi;

/** Receives deliveries for one consumer. Runs on a backend thread; must not block. */
public interface DeliveryHandler {

  /** Takes one delivery, which the receiver must settle exactly once. */
  void onDelivery(Delivery delivery);

  /**
   * Reports a message the backend could not decode into a spore (SPEC §4). The backend has already
   * moved it to the dead letters with {@code reason}; this is for counting and logging.
   */
  void onUndecodable(String reason);
}
