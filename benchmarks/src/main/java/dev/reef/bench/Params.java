package dev.reef.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameters of a run: {@code --name=value} arguments win over {@code -Dbench.name=value}
 * system properties, which win over each scenario's defaults. {@code smoke=true} selects the tiny
 * defaults a scenario gives for CI. Every parameter given must be read, so a misspelt one fails.
 */
final class Params {
  private final Map<String, String> given;
  private final Set<String> known = new TreeSet<>();
  private final boolean smoke;

  private Params(Map<String, String> given) {
    this.given = given;
    this.smoke = Boolean.parseBoolean(given.remove("smoke"));
    known.add("smoke");
  }

  /**
   * Reads the parameters.
   *
   * @throws IllegalArgumentException when an argument is not of the form {@code --name=value}
   */
  static Params of(String[] args, Map<String, String> systemProperties) {
    Map<String, String> given = new HashMap<>();
    systemProperties.forEach((key, value) -> {
      if (key.startsWith("bench.")) {
        given.put(key.substring("bench.".length()), value);
      }
    });
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      given.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    return new Params(given);
  }

  /** The parameters of {@code args} and this JVM's system properties. */
  static Params of(String[] args) {
    return of(args, propertiesOf(System.getProperties()));
  }

  boolean smoke() {
    return smoke;
  }

  /** An integer parameter of at least {@code minimum}; underscores may group digits. */
  int intValue(String name, int normal, int tiny, int minimum) {
    String value = take(name);
    int result;
    if (value == null) {
      result = smoke ? tiny : normal;
    } else {
      try {
        result = Integer.parseInt(value.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
      }
    }
    if (result < minimum) {
      throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + result);
    }
    return result;
  }

  /** A text parameter. */
  String text(String name, String fallback) {
    String value = take(name);
    return value == null ? fallback : value;
  }

  /**
   * Checks that every parameter given was one the scenario reads.
   *
   * @throws IllegalArgumentException naming the unknown ones and listing the known ones
   */
  void requireAllUsed() {
    Set<String> unknown = new TreeSet<>(given.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown parameter(s) " + unknown + "; known: " + String.join(", ", known));
    }
  }

  private String take(String name) {
    known.add(name);
    return given.get(name);
  }

  static Map<String, String> propertiesOf(Properties properties) {
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
    return map;
  }
}
