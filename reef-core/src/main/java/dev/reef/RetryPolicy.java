package dev.reef;

import java.time.Duration;
import java.util.Objects;

/**
 * How a failing handler is retried before its spore is dead-lettered (SPEC §3.9).
 *
 * @param maxAttempts total attempts, the first included; 1 means no retry
 * @param initialBackoff the delay before the second attempt
 * @param multiplier how much each further delay grows
 * @param maxBackoff the longest delay
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

  /** Three attempts, 100 ms then 200 ms apart, at most 5 s. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5));

  /** Checks the fields. */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative");
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
    }
  }

  /** A policy of {@code maxAttempts} with the default delays. */
  public static RetryPolicy attempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, DEFAULT.initialBackoff, DEFAULT.multiplier, DEFAULT.maxBackoff);
  }

  /** The delay after failed attempt number {@code attempt} (1-based). */
  public Duration backoffAfter(int attempt) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
  }
}
