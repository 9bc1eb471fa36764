package dev.reef.inmemory;

import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.Outbound;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.Map;
import java.util.UUID;

/** Spores, outbound messages and consumer specs for the backend tests. */
final class TestSpores {
  static final String CHANNEL = "main";

  private TestSpores() {}

  static Spore to(String agent, int n) {
    return to(agent, n, Spore.DEFAULT_PRIORITY);
  }

  static Spore to(String agent, int n, int priority) {
    return Spore.builder(SporeType.KNOWLEDGE).from("sender").to(agent).knowledge(Map.of("n", n))
        .priority(priority).build();
  }

  static Spore broadcast(int n) {
    return Spore.builder(SporeType.BROADCAST).from("sender").knowledge(Map.of("n", n)).build();
  }

  static Outbound directed(String agent, int n) {
    return Outbound.of(CHANNEL, to(agent, n), null);
  }

  static Outbound directed(String agent, int n, int priority) {
    return Outbound.of(CHANNEL, to(agent, n, priority), null);
  }

  static Outbound everyone(int n) {
    return Outbound.of(CHANNEL, broadcast(n), null);
  }

  static ConsumerSpec spec(String agent, int prefetch) {
    return new ConsumerSpec(CHANNEL, agent, UUID.randomUUID().toString(), prefetch);
  }

  /** The "n" field of a delivery's knowledge. */
  static int n(dev.reef.spi.Delivery delivery) {
    return delivery.spore().knowledge().get("n").asInt();
  }
}
