package dev.reef.inmemory;

import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import java.util.function.Consumer;

/** Delivery handlers from lambdas. The in-memory broker only holds spores, so nothing is undecodable. */
final class Handlers {
  private Handlers() {}

  static DeliveryHandler of(Consumer<Delivery> onDelivery) {
    return new DeliveryHandler() {
      @Override
      public void onDelivery(Delivery delivery) {
        onDelivery.accept(delivery);
      }

      @Override
      public void onUndecodable(String reason) {
        throw new AssertionError("the in-memory backend reported an undecodable message: " + reason);
      }
    };
  }
}
