package dev.reef.internal.engine;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning log that writes at most {@code perMinute} lines a minute, so that a flood of bad input
 * (forged replies, malformed messages) cannot flood the log; the first line after a quiet spell says
 * how many were left out. What it leaves out is still counted in the meters.
 */
final class BoundedLog {
  private static final long MINUTE = 60_000_000_000L;

  private final Logger log;
  private final int perMinute;
  private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  BoundedLog(Logger log, int perMinute) {
    this.log = log;
    this.perMinute = perMinute;
  }

  /** Logs a warning unless this minute's lines are used up. */
  void warn(String format, Object... arguments) {
    if (!log.isWarnEnabled()) {
      return;
    }
    long now = System.nanoTime();
    long start = windowStart.get();
    if (now - start > MINUTE && windowStart.compareAndSet(start, now)) {
      inWindow.set(0);
    }
    if (inWindow.incrementAndGet() > perMinute) {
      suppressed.incrementAndGet();
      return;
    }
    long left = suppressed.getAndSet(0);
    if (left > 0) {
      log.warn("({} similar warning(s) left out in the last minute)", left);
    }
    log.warn(format, arguments);
  }
}
