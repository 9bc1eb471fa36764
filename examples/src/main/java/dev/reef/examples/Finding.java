package dev.reef.examples;

import dev.reef.spore.JsonDocument;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One research finding, as the knowledge of a {@code finding} spore.
 *
 * @param id its number
 * @param keyword one word that says what it is about
 * @param text the finding
 * @param source where it comes from
 */
record Finding(int id, String keyword, String text, String source) {

  /** The source the fact-checker cannot reach at first: its spore ends in the dead letters. */
  static final String FLAKY_SOURCE = "preprint-server";

  /** What the researcher finds about coral reefs. */
  static final List<Finding> CORAL_REEFS = List.of(
      new Finding(1, "bleaching", "Mass bleaching events are about five times as frequent as in the 1980s", "noaa"),
      new Finding(2, "algae", "Some corals host heat-tolerant algae that delay bleaching", "journal"),
      new Finding(3, "larvae", "Reef fish larvae find their way home by the sound of a healthy reef", "journal"),
      new Finding(4, "microplastics", "Microplastics turn up inside deep-sea corals", FLAKY_SOURCE),
      new Finding(5, "parrotfish", "Parrotfish grind coral into much of the white sand of tropical beaches", "field-notes"),
      new Finding(6, "spawning", "Coral spawning is timed by moonlight and water temperature", "journal"));

  /** The knowledge of the spore that carries this finding. */
  Map<String, Object> toKnowledge() {
    Map<String, Object> knowledge = new LinkedHashMap<>(); // keeps the fields in a readable order
    knowledge.put("type", "finding");
    knowledge.put("id", id);
    knowledge.put("keyword", keyword);
    knowledge.put("text", text);
    knowledge.put("source", source);
    return knowledge;
  }

  /** Reads a finding back from a spore's knowledge. */
  static Finding fromKnowledge(JsonDocument knowledge) {
    return new Finding(knowledge.get("id").intValue(), knowledge.getString("keyword"), knowledge.getString("text"),
        knowledge.getString("source"));
  }
}
