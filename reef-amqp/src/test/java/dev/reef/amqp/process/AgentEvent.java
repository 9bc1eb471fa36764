package dev.reef.amqp.process;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One line an {@link AgentProcess} printed on its standard output: a kind in capitals followed by
 * space-separated fields, e.g. {@code HANDLED worker 3f2a... knowledge d1 17 9c41...}. Fields never
 * contain spaces (agent names, ids, numbers and class names only).
 *
 * @param kind what happened, e.g. {@code HANDLED}, {@code SENT}, {@code REPLY}
 * @param fields the values after the kind, in the order {@link AgentProcess} documents
 */
public record AgentEvent(String kind, List<String> fields) {

  /** Validates and copies the fields. */
  public AgentEvent {
    Objects.requireNonNull(kind, "kind");
    fields = List.copyOf(fields);
  }

  /** Parses one line; a blank line is an event of kind {@code ""} with no fields. */
  static AgentEvent parse(String line) {
    String[] tokens = line.trim().split(" +");
    return new AgentEvent(tokens[0], Arrays.asList(tokens).subList(1, tokens.length));
  }

  /** The field at {@code index}, failing with the whole event in the message when it is missing. */
  public String field(int index) {
    if (index < 0 || index >= fields.size()) {
      throw new IllegalStateException("event " + this + " has no field " + index);
    }
    return fields.get(index);
  }

  /** True when this is a {@code kind} event whose first field is {@code batch}. */
  public boolean is(String kind, String batch) {
    return this.kind.equals(kind) && !fields.isEmpty() && fields.get(0).equals(batch);
  }

  /** The line as printed. */
  String toLine() {
    return fields.isEmpty() ? kind : kind + " " + String.join(" ", fields);
  }

  @Override
  public String toString() {
    return toLine();
  }
}
