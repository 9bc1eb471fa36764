package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MovesUnderWayTest {
  private static final Duration LONG = Duration.ofSeconds(20);

  @Test
  void closingWaitsForTheMovesUnderWay() throws Exception {
    MovesUnderWay moves = new MovesUnderWay();
    assertThat(moves.start()).isTrue();
    assertThat(moves.start()).isTrue();
    CountDownLatch closingBegan = new CountDownLatch(1);
    CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
      closingBegan.countDown();
      moves.close(LONG);
    });
    assertThat(closingBegan.await(10, TimeUnit.SECONDS)).isTrue();
    moves.ended();
    assertThat(closed).as("one move is still under way").isNotDone();
    moves.ended();
    closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void noMoveStartsOnceClosingHasBegun() {
    MovesUnderWay moves = new MovesUnderWay();
    assertThat(moves.start()).isTrue();
    moves.ended();
    moves.close(LONG);
    assertThat(moves.start()).as("a delivery handed over after the close: its original goes back with the channel")
        .isFalse();
  }

  @Test
  void closingGivesUpOnAMoveThatNeverEndsAfterItsPatience() {
    MovesUnderWay moves = new MovesUnderWay();
    moves.start();
    long began = System.nanoTime();
    moves.close(Duration.ofMillis(50));
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(moves.start()).isFalse();
  }
}
