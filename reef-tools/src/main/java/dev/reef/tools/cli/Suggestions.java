package dev.reef.tools.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** "Did you mean ...?": the known names closest to a name that was not found (edit distance). */
final class Suggestions {
  private static final int MAX = 3;

  private Suggestions() {}

  /** The names of {@code known} at most a few edits from {@code wrong}, closest first, at most three. */
  static List<String> closest(String wrong, Collection<String> known) {
    String target = wrong.toLowerCase(Locale.ROOT);
    int limit = Math.max(2, target.length() / 3);
    return new TreeSet<>(known).stream()
        .filter(name -> !name.equals(wrong))
        .filter(name -> distance(target, name.toLowerCase(Locale.ROOT)) <= limit
            || name.toLowerCase(Locale.ROOT).startsWith(target) || target.startsWith(name.toLowerCase(Locale.ROOT)))
        .sorted(Comparator.comparingInt((String name) -> distance(target, name.toLowerCase(Locale.ROOT))))
        .limit(MAX)
        .toList();
  }

  /** {@code " (did you mean 'a' or 'b'?)"}, or empty when nothing is close. */
  static String didYouMean(String wrong, Collection<String> known) {
    List<String> close = closest(wrong, known);
    if (close.isEmpty()) {
      return "";
    }
    return " (did you mean '" + String.join("' or '", close) + "'?)";
  }

  /** The Levenshtein distance: insertions, deletions and substitutions, one each. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
