package dev.reef.agent.launch;

import dev.reef.Concurrency;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One agent to run: its class, how many instances, and optionally how each instance consumes,
 * overriding what the class declares. Null fields mean "as declared by the class" (one instance
 * when nobody says).
 *
 * <p>The class is an {@link dev.reef.agent.AgentDefinition @AgentDefinition} class, or a class
 * implementing {@code Supplier<AgentSpec>} (for agents built from lambdas); both need a public or
 * package-private no-argument constructor.
 *
 * @param className the fully qualified class name
 * @param instances how many instances this JVM runs, or null for one
 * @param concurrency sequential or concurrent handling, or null
 * @param poolSize worker threads of the agent, or null
 * @param prefetch the most unfinished spores one instance holds, or null
 * @param maxAttempts handler attempts per spore before it is dead-lettered, or null
 */
public record AgentEntry(
    String className, Integer instances, Concurrency concurrency, Integer poolSize, Integer prefetch,
    Integer maxAttempts) {
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}"
          + "\\p{javaJavaIdentifierPart}*)*");
  /** More instances than this in one JVM is a typo, not a plan. */
  static final int MAX_INSTANCES = 1_000;

  /** Checks the fields. */
  public AgentEntry {
    Objects.requireNonNull(className, "className");
    if (!CLASS_NAME.matcher(className).matches()) {
      throw new IllegalArgumentException("'" + className + "' is not a Java class name (e.g. com.example.MyAgent)");
    }
    requireRange("instances of " + className, instances, 1, MAX_INSTANCES);
    requireRange("pool_size of " + className, poolSize, 1, 10_000);
    requireRange("prefetch of " + className, prefetch, 1, 65_535);
    requireRange("max_attempts of " + className, maxAttempts, 1, 1_000);
  }

  /** The agent {@code className} with the class's own settings. */
  public static AgentEntry of(String className) {
    return new AgentEntry(className, null, null, null, null, null);
  }

  /**
   * Reads {@code CLASS} or {@code CLASS=INSTANCES}, as written on the command line and in {@code
   * REEF_AGENTS}.
   *
   * @throws IllegalArgumentException when it is neither
   */
  public static AgentEntry parse(String text) {
    Objects.requireNonNull(text, "agent");
    String trimmed = text.trim();
    int equals = trimmed.indexOf('=');
    if (equals < 0) {
      return of(trimmed);
    }
    String count = trimmed.substring(equals + 1).trim();
    int instances;
    try {
      instances = Integer.parseInt(count);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid agent '" + text + "': expected CLASS or CLASS=INSTANCES, and '"
          + count + "' is not a number");
    }
    return new AgentEntry(trimmed.substring(0, equals).trim(), instances, null, null, null, null);
  }

  /** Reads {@code sequential} or {@code concurrent}. */
  static Concurrency concurrency(String text) {
    try {
      return Concurrency.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("concurrency must be 'sequential' or 'concurrent', got '" + text + "'");
    }
  }

  /** The number of instances to start. */
  public int instanceCount() {
    return instances == null ? 1 : instances;
  }

  /** This entry's settings, and {@code lower}'s where this one has none (both for the same class). */
  public AgentEntry over(AgentEntry lower) {
    if (!className.equals(lower.className)) {
      throw new IllegalArgumentException("cannot merge settings of " + className + " and " + lower.className);
    }
    return new AgentEntry(className, first(instances, lower.instances), first(concurrency, lower.concurrency),
        first(poolSize, lower.poolSize), first(prefetch, lower.prefetch), first(maxAttempts, lower.maxAttempts));
  }

  private static <T> T first(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  private static void requireRange(String what, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + value);
    }
  }

  @Override
  public String toString() {
    return className + "=" + instanceCount();
  }
}
