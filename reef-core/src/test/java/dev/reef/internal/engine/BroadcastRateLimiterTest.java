package dev.reef.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BroadcastRateLimiterTest {

  @Test
  void unlimitedWhenNoPermitsAreConfigured() {
    BroadcastRateLimiter unlimited = new BroadcastRateLimiter(0, null);
    for (int i = 0; i < 10_000; i++) {
      assertThat(unlimited.tryAcquire("chatty")).isTrue();
    }
  }

  @Test
  void aSenderGetsItsPermitsThenIsRefused() {
    BroadcastRateLimiter limiter = new BroadcastRateLimiter(3, Duration.ofHours(1));
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
  }

  @Test
  void eachSenderHasItsOwnBucket() {
    BroadcastRateLimiter limiter = new BroadcastRateLimiter(1, Duration.ofHours(1));
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
    assertThat(limiter.tryAcquire("bob")).isTrue();
  }

  @Test
  void permitsComeBackOverTime() {
    BroadcastRateLimiter limiter = new BroadcastRateLimiter(1, Duration.ofMillis(20));
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    boolean refilled = false;
    while (!refilled && System.nanoTime() < deadline) {
      refilled = limiter.tryAcquire("alice");
      Thread.onSpinWait();
    }
    assertThat(refilled).isTrue();
  }

  @Test
  void describeSaysTheRate() {
    assertThat(new BroadcastRateLimiter(10, Duration.ofSeconds(1)).describe()).isEqualTo("10 broadcasts per PT1S");
  }
}
