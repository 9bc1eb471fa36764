package dev.reef.internal.trace;

import dev.reef.spore.Spore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context (SPEC §7): the {@code traceparent} a spore carries in its metadata, so that a
 * chain of spores caused by one another shares one trace id. A spore that carries none starts a
 * trace whose id is its own id (a UUID is 32 hex digits, as a trace id is), so first sends pay
 * nothing; spores sent while handling it carry {@code traceparent} with that trace id.
 *
 * <p>Only the trace id is kept: the span a handler's sends are children of is the observation's
 * (Micrometer's tracer propagates it), and a send without one gets a new random span.
 *
 * @param traceId 32 lower-case hex digits
 */
public record TraceContext(String traceId) {
  /** The metadata key (and AMQP header) holding the W3C {@code traceparent}. */
  public static final String KEY = "traceparent";

  /** The trace a spore belongs to. */
  public static TraceContext of(Spore spore) {
    String header = spore.metadata().getString(KEY);
    TraceContext parsed = header == null ? null : parse(header);
    if (parsed != null) {
      return parsed;
    }
    return new TraceContext(hexDigits(spore.id()));
  }

  /**
   * The 32 hex digits of a UUID in lower case. It runs for every spore handled, so for the canonical
   * 8-4-4-4-12 form it reads each character once, straight into the digits (no copy of the text
   * first), and lower-cases without a branch: OR-ing in 0x20 maps {@code A-F} to {@code a-f} and
   * leaves digits and {@code a-f} as they are.
   */
  public static String hexDigits(String uuid) {
    if (uuid.length() != 36 || uuid.charAt(8) != '-' || uuid.charAt(13) != '-' || uuid.charAt(18) != '-'
        || uuid.charAt(23) != '-') {
      return uuid.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    }
    byte[] digits = new byte[32];
    int at = 0;
    for (int i = 0; i < 36; i++) {
      char c = uuid.charAt(i);
      if (c != '-') {
        digits[at++] = (byte) (c | 0x20);
      }
    }
    return new String(digits, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** A {@code traceparent} for a new span in this trace. */
  public String childTraceparent() {
    long span = ThreadLocalRandom.current().nextLong();
    return "00-" + traceId + "-" + hex16(span == 0 ? 1 : span) + "-01";
  }

  /** {@code value} as 16 lower-case hex digits, zero-padded (as {@code %016x}, without a formatter). */
  public static String hex16(long value) {
    byte[] digits = new byte[16];
    for (int i = 15; i >= 0; i--) {
      digits[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    return new String(digits, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

  /**
   * Reads {@code VERSION-TRACEID-SPANID-FLAGS} (2, 32, 16 and 2 lower-case hex digits; a later version
   * may append fields after another dash); null when malformed, of the invalid version {@code ff}, or
   * with an all-zero id. By hand, not with regular expressions: it runs for every traced spore handled.
   */
  public static TraceContext parse(String traceparent) {
    String text = traceparent.trim();
    if (text.length() < 55 || text.charAt(2) != '-' || text.charAt(35) != '-' || text.charAt(52) != '-'
        || (text.length() > 55 && text.charAt(55) != '-')
        || !isHex(text, 0, 2) || text.startsWith("ff") || !isHex(text, 3, 35) || !isHex(text, 36, 52)
        || !isHex(text, 53, 55) || isZero(text, 3, 35) || isZero(text, 36, 52)) {
      return null;
    }
    return new TraceContext(text.substring(3, 35));
  }

  private static boolean isHex(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isZero(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
