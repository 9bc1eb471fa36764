package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

  @Test
  void defaultIsThreeAttempts100MsDoublingCappedAtFiveSeconds() {
    assertThat(RetryPolicy.DEFAULT)
        .isEqualTo(new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5)));
  }

  @Test
  void backoffGrowsByTheMultiplierUntilTheCap() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(100), 2.0, Duration.ofMillis(1_000));
    assertThat(IntStream.rangeClosed(1, 8).mapToObj(policy::backoffAfter).map(Duration::toMillis))
        .containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L, 1_000L, 1_000L);
  }

  @Test
  void aMultiplierOfOneKeepsTheDelayConstant() {
    RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(250), 1.0, Duration.ofSeconds(1));
    assertThat(policy.backoffAfter(1)).isEqualTo(policy.backoffAfter(4)).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void hugeAttemptNumbersStayAtTheCap() {
    assertThat(RetryPolicy.DEFAULT.backoffAfter(10_000)).isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryPolicy.DEFAULT.backoffAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void attemptsBelowOneGetTheInitialDelay() {
    assertThat(RetryPolicy.DEFAULT.backoffAfter(0)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void zeroBackoffIsAllowed() {
    RetryPolicy immediate = new RetryPolicy(3, Duration.ZERO, 2.0, Duration.ZERO);
    assertThat(immediate.backoffAfter(2)).isZero();
  }

  @Test
  void attemptsKeepsTheDefaultDelays() {
    RetryPolicy once = RetryPolicy.attempts(1);
    assertThat(once.maxAttempts()).isEqualTo(1);
    assertThat(once.initialBackoff()).isEqualTo(RetryPolicy.DEFAULT.initialBackoff());
    assertThat(once.multiplier()).isEqualTo(RetryPolicy.DEFAULT.multiplier());
    assertThat(once.maxBackoff()).isEqualTo(RetryPolicy.DEFAULT.maxBackoff());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void atLeastOneAttempt(int attempts) {
    assertThatThrownBy(() -> RetryPolicy.attempts(attempts))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must be at least 1, got " + attempts);
  }

  @Test
  void backoffsMustBeGivenAndNotNegative() {
    assertThatThrownBy(() -> new RetryPolicy(3, null, 2.0, Duration.ZERO)).hasMessage("initialBackoff");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, 2.0, null)).hasMessage("maxBackoff");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(-1), 2.0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff must not be negative");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, 2.0, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff must not be negative");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.99, 0, -2, Double.NaN})
  void multiplierMustBeAtLeastOne(double multiplier) {
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, multiplier, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("multiplier must be at least 1, got ");
  }
}
