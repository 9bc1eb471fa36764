package dev.reef.amqp;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A log that writes at most {@code perMinute} lines a minute, so that a flood of bad input cannot
 * flood the log; the first line after a quiet spell says how many were left out. Callers count what
 * they log, so nothing left out here goes unseen.
 */
final class RateLimitedLog {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final Logger log;
  private final int perMinute;
  private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong leftOut = new AtomicLong();

  RateLimitedLog(Logger log, int perMinute) {
    this.log = log;
    this.perMinute = perMinute;
  }

  /** A warning, unless this minute's lines are used up. */
  void warn(String format, Object... arguments) {
    if (log.isWarnEnabled() && admit()) {
      log.warn(format, arguments);
    }
  }

  /** An error (the last argument may be a throwable), unless this minute's lines are used up. */
  void error(String format, Object... arguments) {
    if (log.isErrorEnabled() && admit()) {
      log.error(format, arguments);
    }
  }

  private boolean admit() {
    long now = System.nanoTime();
    long start = windowStart.get();
    if (now - start > MINUTE_NANOS && windowStart.compareAndSet(start, now)) {
      inWindow.set(0);
    }
    if (inWindow.incrementAndGet() > perMinute) {
      leftOut.incrementAndGet();
      return false;
    }
    long skipped = leftOut.getAndSet(0);
    if (skipped > 0) {
      log.warn("({} similar line(s) left out in the last minute)", skipped);
    }
    return true;
  }
}
