package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.HistoryEntry;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeJson;

/** How {@code reef history} and {@code reef trace} print an entry: one JSON line, or one line for a person. */
final class HistoryLines {
  private static final int KNOWLEDGE_CHARS = 120;

  private HistoryLines() {}

  /** The spore's fields, with {@code channel}, {@code offset} and {@code stored_at}. */
  static ObjectNode json(String channel, HistoryEntry entry) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("channel", channel);
    line.put("offset", entry.offset());
    line.put("stored_at", entry.storedAt().toString());
    line.setAll(SporeJson.toTree(entry.spore()));
    return line;
  }

  /** {@code OFFSET STORED_AT TYPE FROM -> TO ID [caused by ID] KNOWLEDGE}. */
  static String text(HistoryEntry entry) {
    Spore spore = entry.spore();
    return entry.offset() + "  " + entry.storedAt() + "  " + summary(spore);
  }

  /** {@code TYPE FROM -> TO ID [caused by ID] KNOWLEDGE}. */
  static String summary(Spore spore) {
    String knowledge = spore.knowledge() == null ? "null" : spore.knowledge().toJson();
    if (knowledge.length() > KNOWLEDGE_CHARS) {
      knowledge = knowledge.substring(0, KNOWLEDGE_CHARS) + "...";
    }
    return spore.type().wireValue() + "  " + spore.fromAgent() + " -> " + (spore.isBroadcast() ? "*" : spore.toAgent())
        + "  " + spore.id() + (spore.causedBy() != null ? "  caused by " + spore.causedBy() : "") + "  " + knowledge;
  }
}
