package dev.reef;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How long a channel keeps its history (SPEC §3.16): entries older than a maximum age, and the
 * oldest entries beyond a maximum size, are removed. Backends remove whole segments (AMQP: a
 * stream's segment files), so an entry may outlive its limit until its segment goes; {@link
 * #segmentBytes()} sets how big those are. Immutable.
 *
 * <pre>{@code
 * channel.history().keep(HistoryRetention.maxAge(Duration.ofDays(7)).andMaxBytes(10L << 30));
 * }</pre>
 */
public final class HistoryRetention {
  /** The segment size a backend uses when none is given: 16 MiB. */
  public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;

  private final Duration maxAge;
  private final long maxBytes;
  private final long segmentBytes;

  private HistoryRetention(Duration maxAge, long maxBytes, long segmentBytes) {
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero() || maxAge.toMillis() < 1000)) {
      throw new IllegalArgumentException("maxAge must be at least one second, got " + maxAge);
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be positive (or 0 for no limit), got " + maxBytes);
    }
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("segmentBytes must be at least 1024, got " + segmentBytes);
    }
    if (maxAge == null && maxBytes == 0) {
      throw new IllegalArgumentException("a retention needs a maximum age, a maximum size, or both");
    }
    this.maxAge = maxAge;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
  }

  /** Keeps entries for {@code maxAge} (at least a second). */
  public static HistoryRetention maxAge(Duration maxAge) {
    return new HistoryRetention(Objects.requireNonNull(maxAge, "maxAge"), 0, DEFAULT_SEGMENT_BYTES);
  }

  /** Keeps at most {@code maxBytes} of entries, the newest. */
  public static HistoryRetention maxBytes(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    return new HistoryRetention(null, maxBytes, DEFAULT_SEGMENT_BYTES);
  }

  /** This retention with a size limit as well. */
  public HistoryRetention andMaxBytes(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    return new HistoryRetention(maxAge, maxBytes, segmentBytes);
  }

  /** This retention with an age limit as well. */
  public HistoryRetention andMaxAge(Duration maxAge) {
    return new HistoryRetention(Objects.requireNonNull(maxAge, "maxAge"), maxBytes, segmentBytes);
  }

  /**
   * This retention with segments of {@code segmentBytes}: smaller segments make retention finer
   * (less kept past its limit), larger ones cost less to manage.
   */
  public HistoryRetention withSegmentBytes(long segmentBytes) {
    return new HistoryRetention(maxAge, maxBytes, segmentBytes);
  }

  /** The maximum age of an entry, when limited. */
  public Optional<Duration> maxAgeLimit() {
    return Optional.ofNullable(maxAge);
  }

  /** The maximum size of the history in bytes, when limited. */
  public OptionalLong maxBytesLimit() {
    return maxBytes == 0 ? OptionalLong.empty() : OptionalLong.of(maxBytes);
  }

  /** The size of the units retention removes at once. */
  public long segmentBytes() {
    return segmentBytes;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HistoryRetention that && Objects.equals(maxAge, that.maxAge) && maxBytes == that.maxBytes
        && segmentBytes == that.segmentBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAge, maxBytes, segmentBytes);
  }

  @Override
  public String toString() {
    return "HistoryRetention[" + (maxAge != null ? "max age " + maxAge : "")
        + (maxAge != null && maxBytes > 0 ? ", " : "") + (maxBytes > 0 ? "max " + maxBytes + " bytes" : "")
        + ", segments of " + segmentBytes + " bytes]";
  }
}
