package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.DeadLetter;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeJson;
import dev.reef.spore.Timestamps;
import java.util.List;
import java.util.Locale;

/** Dead letters as {@code reef dlq} prints them: a table, a detailed view, or JSON. */
final class DeadLetterText {
  private DeadLetterText() {}

  static ObjectNode toJson(DeadLetter letter) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("id", letter.id());
    node.put("channel", letter.channel());
    node.put("agent", letter.agent());
    node.put("attempts", letter.attempts());
    node.put("error", letter.error());
    node.put("dead_lettered_at", Timestamps.format(letter.deadLetteredAt()));
    node.put("publisher", letter.publisher().orElse(null));
    node.set("spore", letter.spore().<JsonNode>map(SporeJson::toTree).orElse(node.nullNode()));
    node.put("raw_payload", letter.rawPayload().orElse(null));
    return node;
  }

  static String table(List<DeadLetter> letters, String namespace) {
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-36s  %-12s  %-16s  %-12s  %-8s  %-24s  %s%n",
        "ID", "TYPE", "AGENT", "CHANNEL", "ATTEMPTS", "DEAD-LETTERED (UTC)", "ERROR"));
    for (DeadLetter letter : letters) {
      text.append(String.format(Locale.ROOT, "%-36s  %-12s  %-16s  %-12s  %-8d  %-24s  %s%n", letter.id(),
          letter.spore().map(spore -> spore.type().wireValue()).orElse("(undecodable)"), letter.agent(),
          letter.channel(), letter.attempts(), SporeText.time(letter.deadLetteredAt()),
          ErrorReporting.oneLine(letter.error())));
    }
    if (letters.isEmpty()) {
      text.append("(no dead letters in namespace '").append(namespace).append("')").append(System.lineSeparator());
    }
    return text.toString();
  }

  /** Every field, the error in full and the spore pretty-printed. */
  static String detail(DeadLetter letter) {
    StringBuilder text = new StringBuilder();
    line(text, "dead letter", letter.id());
    line(text, "agent", letter.agent());
    line(text, "channel", letter.channel());
    line(text, "attempts", Integer.toString(letter.attempts()));
    line(text, "dead-lettered", SporeText.time(letter.deadLetteredAt()));
    letter.publisher().ifPresent(publisher -> line(text, "publisher", publisher));
    letter.replyAddress().ifPresent(address -> line(text, "reply address", address));
    text.append("error:").append(System.lineSeparator());
    letter.error().lines().forEach(errorLine -> text.append("  ").append(errorLine).append(System.lineSeparator()));
    if (letter.spore().isPresent()) {
      text.append("spore:").append(System.lineSeparator()).append(SporeText.pretty(letter.spore().get()))
          .append(System.lineSeparator());
    } else {
      text.append("raw payload (never a valid spore):").append(System.lineSeparator())
          .append(letter.rawPayload().orElse("")).append(System.lineSeparator());
    }
    return text.toString();
  }

  /** What a replay will do, in one line. */
  static String plan(DeadLetter letter) {
    return letter.spore().map(spore -> describe(spore) + " on channel '" + letter.channel() + "', as a first attempt")
        .orElse("a message that was never a valid spore");
  }

  private static String describe(Spore spore) {
    return "send the " + spore.type().wireValue() + " from '" + spore.fromAgent() + "' back to '"
        + (spore.toAgent() == null ? "every agent" : spore.toAgent()) + "'";
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "%-15s%s%n", label + ":", value));
  }
}
