package dev.reef.tools.cli;

import dev.reef.spore.Spore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Spores as people read them: the knowledge pretty-printed, one-line summaries, one line per spore
 * for {@code tail}. Times are ISO-8601 in UTC everywhere, as on the wire and on the dashboard.
 */
final class SporeText {
  /** The one time format people see, here and on the dashboard: ISO-8601 in UTC, to the millisecond. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Knowledge longer than this is cut in one-line views. */
  static final int LINE_KNOWLEDGE_CHARS = 200;

  private SporeText() {}

  /** The knowledge, pretty-printed over several lines; {@code (no knowledge)} when there is none. */
  static String knowledge(Spore spore) {
    if (spore.knowledge() == null) {
      return "(no knowledge)";
    }
    return spore.knowledge().toObjectNode().toPrettyString();
  }

  /** The whole spore, pretty-printed. */
  static String pretty(Spore spore) {
    return dev.reef.spore.SporeJson.toTree(spore).toPrettyString();
  }

  /** {@code request 1f2e3d4c... cli -> calculator}: what a spore is, in a few words. */
  static String describe(Spore spore) {
    return spore.type().wireValue() + " " + spore.id() + " from '" + spore.fromAgent() + "'"
        + (spore.toAgent() == null ? " to every agent" : " to '" + spore.toAgent() + "'");
  }

  /** One line for {@code tail}: time, channel, type, sender and recipient, id, knowledge (cut). */
  static String line(String channel, Spore spore) {
    String knowledge = spore.knowledge() == null ? "" : spore.knowledge().toJson();
    if (knowledge.length() > LINE_KNOWLEDGE_CHARS) {
      knowledge = knowledge.substring(0, LINE_KNOWLEDGE_CHARS) + "...";
    }
    return String.format(Locale.ROOT, "%s  %-10s %-12s %s -> %s  %s%s  %s",
        time(spore.createdAt()), channel, spore.type().wireValue(), spore.fromAgent(),
        spore.toAgent() == null ? "*" : spore.toAgent(), spore.id(),
        spore.replyTo() == null ? "" : " (reply to " + spore.replyTo() + ")", knowledge).stripTrailing();
  }

  /** {@code 2026-01-31T12:00:00.250Z}. */
  static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** {@code 41 ms} or {@code 2.5 s}. */
  static String elapsed(Duration duration) {
    long millis = duration.toMillis();
    return millis < 10_000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
