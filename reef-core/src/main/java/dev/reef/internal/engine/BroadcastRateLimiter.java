package dev.reef.internal.engine;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per sender name: at most {@code permits} broadcasts per period, refilled smoothly. */
final class BroadcastRateLimiter {
  private final int permits;
  private final double nanosPerPermit;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  BroadcastRateLimiter(int permits, Duration per) {
    this.permits = permits;
    this.nanosPerPermit = permits == 0 ? 0 : (double) per.toNanos() / permits;
  }

  /** Takes a permit for {@code sender}; false when it has none left. Always true when unlimited. */
  boolean tryAcquire(String sender) {
    if (permits == 0) {
      return true;
    }
    return buckets.computeIfAbsent(sender, s -> new Bucket(permits)).tryTake(permits, nanosPerPermit);
  }

  String describe() {
    return permits + " broadcasts per " + Duration.ofNanos((long) (nanosPerPermit * permits));
  }

  private static final class Bucket {
    private double tokens;
    private long lastRefill = System.nanoTime();

    Bucket(int permits) {
      this.tokens = permits;
    }

    synchronized boolean tryTake(int capacity, double nanosPerPermit) {
      long now = System.nanoTime();
      tokens = Math.min(capacity, tokens + (now - lastRefill) / nanosPerPermit);
      lastRefill = now;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
