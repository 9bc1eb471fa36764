package dev.reef.internal.engine;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.internal.engine.FakeBackend.FakeDelivery;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A Reef on a {@link FakeBackend}, fresh per test; one Vert.x for the class keeps tests fast. */
abstract class WithFakeBackend {
  static final long WAIT_SECONDS = 5;
  private static Vertx vertx;

  FakeBackend backend;
  Reef reef;
  Channel channel;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void buildReef() {
    backend = new FakeBackend();
    reef = configure(Reef.builder().backend(backend).vertx(vertx).drainTimeout(Duration.ofSeconds(WAIT_SECONDS)))
        .build();
    channel = reef.channel("main");
  }

  /** Lets a test class add builder settings. */
  Reef.Builder configure(Reef.Builder builder) {
    return builder;
  }

  @AfterEach
  void closeReef() {
    reef.close();
  }

  static Spore directed(String from, String to) {
    return Spore.builder(SporeType.KNOWLEDGE).from(from).to(to).build();
  }

  static FakeDelivery.Outcome outcomeOf(FakeDelivery delivery) throws Exception {
    return delivery.outcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** Spins (no sleeping) until {@code condition} holds; fails after {@link #WAIT_SECONDS}. */
  static void waitUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
    }
  }
}
