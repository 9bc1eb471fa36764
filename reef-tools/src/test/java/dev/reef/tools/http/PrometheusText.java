package dev.reef.tools.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it rejects what a
 * Prometheus server would reject (bad names, bad escapes, bad values, a TYPE after its samples, a
 * family split in two, a series twice), naming the line.
 */
final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
  private static final Map<String, List<String>> SUFFIXES = Map.of(
      "counter", List.of("", "_total", "_created"),
      "gauge", List.of(""),
      "untyped", List.of(""),
      "summary", List.of("", "_count", "_sum", "_created"),
      "histogram", List.of("_bucket", "_count", "_sum", "_created"));

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** A parsed exposition: the TYPE of every family, and every sample in order. */
  record Exposition(Map<String, String> types, List<Sample> samples) {

    /** The sum of the samples called {@code name} whose labels include {@code labels}. */
    double sum(String name, Map<String, String> labels) {
      return samples.stream()
          .filter(sample -> sample.name().equals(name))
          .filter(sample -> sample.labels().entrySet().containsAll(labels.entrySet()))
          .mapToDouble(Sample::value)
          .sum();
    }

    /** True when some sample is called {@code name}. */
    boolean has(String name) {
      return samples.stream().anyMatch(sample -> sample.name().equals(name));
    }
  }

  private PrometheusText() {}

  /** Parses {@code text}, or throws {@link IllegalArgumentException} naming the first bad line. */
  static Exposition parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    Map<String, String> types = new LinkedHashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> familiesWithSamples = new HashSet<>();
    Set<String> finishedFamilies = new HashSet<>();
    Set<String> series = new HashSet<>();
    List<Sample> samples = new ArrayList<>();
    String currentFamily = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + " '" + line + "': ";
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
          String family = parts[2];
          require(METRIC_NAME.matcher(family).matches(), where + "bad metric name");
          if (parts[1].equals("TYPE")) {
            require(parts.length == 4 && TYPES.contains(parts[3]), where + "bad type");
            require(!types.containsKey(family), where + "second TYPE for " + family);
            require(!familiesWithSamples.contains(family), where + "TYPE after samples of " + family);
            types.put(family, parts[3]);
          } else {
            require(helped.add(family), where + "second HELP for " + family);
            if (parts.length == 4) {
              checkHelpEscapes(parts[3], where);
            }
          }
        }
        continue;
      }
      Sample sample = sample(line, where);
      String family = familyOf(sample.name(), types);
      if (!family.equals(currentFamily)) {
        require(!finishedFamilies.contains(family), where + "samples of " + family + " are not together");
        if (currentFamily != null) {
          finishedFamilies.add(currentFamily);
        }
        currentFamily = family;
      }
      familiesWithSamples.add(family);
      require(series.add(sample.name() + new TreeMap<>(sample.labels())), where + "the same series twice");
      samples.add(sample);
    }
    return new Exposition(types, samples);
  }

  private static String familyOf(String sampleName, Map<String, String> types) {
    for (Map.Entry<String, String> family : types.entrySet()) {
      for (String suffix : SUFFIXES.get(family.getValue())) {
        if (sampleName.equals(family.getKey() + suffix)) {
          return family.getKey();
        }
      }
    }
    return sampleName; // untyped
  }

  private static Sample sample(String line, String where) {
    int position = 0;
    while (position < line.length() && line.charAt(position) != '{' && line.charAt(position) != ' ') {
      position++;
    }
    String name = line.substring(0, position);
    require(METRIC_NAME.matcher(name).matches(), where + "bad metric name '" + name + "'");
    Map<String, String> labels = new LinkedHashMap<>();
    if (position < line.length() && line.charAt(position) == '{') {
      position++;
      while (true) {
        require(position < line.length(), where + "unterminated labels");
        if (line.charAt(position) == '}') {
          position++;
          break;
        }
        int equals = line.indexOf('=', position);
        require(equals > position, where + "label without '='");
        String label = line.substring(position, equals);
        require(LABEL_NAME.matcher(label).matches() && !label.startsWith("__"), where + "bad label name '" + label + "'");
        position = equals + 1;
        require(position < line.length() && line.charAt(position) == '"', where + "label value not quoted");
        position++;
        StringBuilder value = new StringBuilder();
        while (true) {
          require(position < line.length(), where + "unterminated label value");
          char c = line.charAt(position++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            require(position < line.length(), where + "dangling escape");
            char escaped = line.charAt(position++);
            switch (escaped) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new IllegalArgumentException(where + "bad escape '\\" + escaped + "'");
            }
          } else {
            value.append(c);
          }
        }
        require(labels.put(label, value.toString()) == null, where + "label '" + label + "' twice");
        require(position < line.length(), where + "unterminated labels");
        if (line.charAt(position) == ',') {
          position++; // a trailing comma before '}' is allowed
        } else {
          require(line.charAt(position) == '}', where + "expected ',' or '}' after a label");
        }
      }
    }
    require(position < line.length() && line.charAt(position) == ' ', where + "no value");
    String[] rest = line.substring(position + 1).trim().split(" +");
    require(rest.length == 1 || rest.length == 2, where + "expected a value and an optional timestamp");
    double value = value(rest[0], where);
    if (rest.length == 2) {
      require(rest[1].matches("-?[0-9]+"), where + "bad timestamp");
    }
    return new Sample(name, labels, value);
  }

  private static double value(String text, String where) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        require(text.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?"), where + "bad value '" + text + "'");
        return Double.parseDouble(text);
    }
  }

  private static void checkHelpEscapes(String help, String where) {
    for (int i = 0; i < help.length(); i++) {
      if (help.charAt(i) == '\\') {
        require(i + 1 < help.length() && (help.charAt(i + 1) == '\\' || help.charAt(i + 1) == 'n'),
            where + "bad escape in HELP");
        i++;
      }
    }
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A label filter from alternating names and values. */
  static Map<String, String> labels(String... keysAndValues) {
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      labels.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return labels;
  }
}
