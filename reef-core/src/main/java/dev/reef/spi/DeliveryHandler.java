package dev.reef.spi;

/** Receives deliveries for one consumer. Runs on a backend thread; must not block. */
@FunctionalInterface
public interface DeliveryHandler {

  /** Takes one delivery, which the receiver must settle exactly once. */
  void onDelivery(Delivery delivery);
}
