package dev.reef.tools.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of the YAML subset the deploy files use, for tests (no YAML library is in the
 * stack): block mappings and sequences, plain and quoted scalars, {@code |} and {@code >} block
 * scalars, flow sequences of scalars, {@code {}}, comments, {@code ---} between documents. Every
 * scalar stays a string. Whatever it does not understand (tabs, anchors, aliases, tags, complex
 * keys, flow mappings, duplicate keys, bad indentation) fails with the line number, so a file it
 * accepts means what it seems to.
 */
final class MiniYaml {
  private final List<String> lines;
  private final String source;
  private int next;

  private MiniYaml(List<String> lines, String source) {
    this.lines = lines;
    this.source = source;
  }

  /** The documents of {@code text}, each a {@code Map}, {@code List}, {@code String} or null. */
  static List<Object> parseAll(String text, String source) {
    List<Object> documents = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      if (line.contains("\t")) {
        throw new IllegalArgumentException(source + ": tabs are not allowed in YAML indentation: '" + line + "'");
      }
      if (line.equals("---")) {
        documents.add(new MiniYaml(current, source).document());
        current = new ArrayList<>();
      } else {
        current.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      }
    }
    documents.add(new MiniYaml(current, source).document());
    documents.removeIf(document -> document == null);
    return documents;
  }

  /** The one document of {@code text}. */
  static Object parse(String text, String source) {
    List<Object> documents = parseAll(text, source);
    if (documents.size() != 1) {
      throw new IllegalArgumentException(source + ": expected one YAML document, found " + documents.size());
    }
    return documents.get(0);
  }

  private Object document() {
    skipInsignificant();
    if (next >= lines.size()) {
      return null;
    }
    int indent = indentOf(lines.get(next));
    if (indent != 0) {
      fail("a document must start at column 0");
    }
    Object value = block(0);
    skipInsignificant();
    if (next < lines.size()) {
      fail("unexpected content (bad indentation?)");
    }
    return value;
  }

  private Object block(int indent) {
    String content = lines.get(next).substring(indent);
    return isSequenceItem(content) ? sequence(indent) : mapping(indent);
  }

  private Map<String, Object> mapping(int indent) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (true) {
      skipInsignificant();
      if (next >= lines.size()) {
        return map;
      }
      String line = lines.get(next);
      int lineIndent = indentOf(line);
      if (lineIndent < indent) {
        return map;
      }
      if (lineIndent > indent) {
        fail("unexpected indentation");
      }
      String content = stripComment(line.substring(indent));
      if (isSequenceItem(content)) {
        return map; // the sequence belongs to the enclosing level
      }
      int colon = keyEnd(content);
      if (colon < 0) {
        fail("expected 'key: value'");
      }
      String key = string(content.substring(0, colon).trim());
      if (key.startsWith("?")) {
        fail("complex keys are not supported");
      }
      if (map.containsKey(key)) {
        fail("duplicate key '" + key + "'");
      }
      String rest = content.substring(colon + 1).trim();
      next++;
      map.put(key, valueAfterKey(rest, indent));
    }
  }

  private Object valueAfterKey(String rest, int indent) {
    if (rest.startsWith("|") || rest.startsWith(">")) {
      return blockScalar(rest, indent);
    }
    if (!rest.isEmpty()) {
      return scalar(rest);
    }
    skipInsignificant();
    if (next >= lines.size()) {
      return null;
    }
    int childIndent = indentOf(lines.get(next));
    String childContent = lines.get(next).substring(childIndent);
    if (childIndent > indent) {
      return block(childIndent);
    }
    if (childIndent == indent && isSequenceItem(childContent)) {
      return sequence(indent); // "key:\n- item" at the key's own indentation
    }
    return null;
  }

  private List<Object> sequence(int indent) {
    List<Object> list = new ArrayList<>();
    while (true) {
      skipInsignificant();
      if (next >= lines.size()) {
        return list;
      }
      String line = lines.get(next);
      int lineIndent = indentOf(line);
      if (lineIndent < indent) {
        return list;
      }
      if (lineIndent > indent) {
        fail("unexpected indentation in a sequence");
      }
      String content = line.substring(indent);
      if (!isSequenceItem(content)) {
        return list;
      }
      String item = stripComment(content.substring(1)).trim();
      if (isSequenceItem(item)) {
        fail("nested sequences on one line are not supported");
      }
      if (item.isEmpty()) {
        next++;
        skipInsignificant();
        if (next >= lines.size() || indentOf(lines.get(next)) <= indent) {
          list.add(null);
        } else {
          list.add(block(indentOf(lines.get(next))));
        }
      } else if (keyEnd(item) >= 0 && !item.startsWith("\"") && !item.startsWith("'") && !item.startsWith("[")) {
        // "- key: value": a mapping whose keys sit where this item's content starts.
        int itemIndent = indent + content.indexOf(item.charAt(0), 1);
        lines.set(next, " ".repeat(itemIndent) + content.substring(itemIndent - indent));
        list.add(mapping(itemIndent));
      } else {
        next++;
        list.add(scalar(item));
      }
    }
  }

  private String blockScalar(String header, int indent) {
    boolean folded = header.startsWith(">");
    String chomping = header.substring(1).trim();
    if (!chomping.isEmpty() && !chomping.equals("-") && !chomping.equals("+")) {
      fail("unsupported block scalar header '" + header + "'");
    }
    List<String> content = new ArrayList<>();
    int blockIndent = -1;
    while (next < lines.size()) {
      String line = lines.get(next);
      if (line.isBlank()) {
        content.add("");
        next++;
        continue;
      }
      int lineIndent = indentOf(line);
      if (lineIndent <= indent) {
        break;
      }
      if (blockIndent < 0) {
        blockIndent = lineIndent;
      }
      if (lineIndent < blockIndent) {
        fail("block scalar line indented less than its first line");
      }
      content.add(line.substring(blockIndent));
      next++;
    }
    while (!content.isEmpty() && content.get(content.size() - 1).isEmpty()) {
      content.remove(content.size() - 1);
    }
    String text = String.join(folded ? " " : "\n", content);
    return chomping.equals("-") ? text : text + "\n";
  }

  private Object scalar(String text) {
    if (text.startsWith("&") || text.startsWith("*") || text.startsWith("!")) {
      fail("anchors, aliases and tags are not supported: '" + text + "'");
    }
    if (text.startsWith("[")) {
      if (!text.endsWith("]")) {
        fail("unterminated flow sequence");
      }
      List<Object> items = new ArrayList<>();
      String inner = text.substring(1, text.length() - 1).trim();
      if (!inner.isEmpty()) {
        for (String item : splitFlow(inner)) {
          items.add(scalar(item.trim()));
        }
      }
      return items;
    }
    if (text.startsWith("{")) {
      if (text.replace(" ", "").equals("{}")) {
        return new LinkedHashMap<String, Object>();
      }
      fail("flow mappings are not supported: '" + text + "'");
    }
    return string(text);
  }

  private String string(String text) {
    if (text.startsWith("\"")) {
      StringBuilder value = new StringBuilder();
      int i = 1;
      for (; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          if (++i >= text.length()) {
            fail("dangling escape in '" + text + "'");
          }
          char escaped = text.charAt(i);
          switch (escaped) {
            case '"', '\\', '/' -> value.append(escaped);
            case 'n' -> value.append('\n');
            case 't' -> value.append('\t');
            case 'r' -> value.append('\r');
            default -> fail("unsupported escape '\\" + escaped + "'");
          }
        } else {
          value.append(c);
        }
      }
      if (i != text.length() - 1) {
        fail("text after a closing quote, or no closing quote: '" + text + "'");
      }
      return value.toString();
    }
    if (text.startsWith("'")) {
      if (text.length() < 2 || !text.endsWith("'")) {
        fail("no closing quote: '" + text + "'");
      }
      String inner = text.substring(1, text.length() - 1);
      if (inner.replace("''", "").contains("'")) {
        fail("a single quote inside single quotes must be doubled: " + text);
      }
      return inner.replace("''", "'");
    }
    return text;
  }

  /** The index of the ':' ending a key, or -1: a colon outside quotes followed by a space or the end. */
  private static int keyEnd(String content) {
    char quote = 0;
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        if (i == 0) {
          quote = c;
        }
      } else if (c == ':' && (i + 1 == content.length() || content.charAt(i + 1) == ' ')) {
        return i;
      } else if (c == '[' || c == '{') {
        return -1; // a flow value, not a key
      }
    }
    return -1;
  }

  private static List<String> splitFlow(String inner) {
    List<String> parts = new ArrayList<>();
    char quote = 0;
    int start = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ',') {
        parts.add(inner.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(inner.substring(start));
    return parts;
  }

  /** {@code line} without a trailing comment ('#' after a space, outside quotes). */
  private static String stripComment(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
        return line.substring(0, i).stripTrailing();
      }
    }
    return line.stripTrailing();
  }

  private static boolean isSequenceItem(String content) {
    return content.equals("-") || content.startsWith("- ");
  }

  private void skipInsignificant() {
    while (next < lines.size() && stripComment(lines.get(next)).isBlank()) {
      next++;
    }
  }

  private static int indentOf(String line) {
    int indent = 0;
    while (indent < line.length() && line.charAt(indent) == ' ') {
      indent++;
    }
    return indent;
  }

  private void fail(String problem) {
    throw new IllegalArgumentException(source + " line " + (next + 1) + ": " + problem
        + (next < lines.size() ? " ('" + lines.get(next).trim() + "')" : ""));
  }
}
