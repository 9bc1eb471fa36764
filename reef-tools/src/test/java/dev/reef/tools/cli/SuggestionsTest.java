package dev.reef.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** "Did you mean ...?" for names that were not found. */
class SuggestionsTest {

  @Test
  void theEditDistanceCountsInsertionsDeletionsAndSubstitutions() {
    assertThat(Suggestions.distance("calculator", "calculator")).isZero();
    assertThat(Suggestions.distance("calculatr", "calculator")).isEqualTo(1);
    assertThat(Suggestions.distance("claculator", "calculator")).isEqualTo(2);
    assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void closeNamesComeClosestFirstAndFarOnesNever() {
    List<String> known = List.of("calculator", "calendar", "worker", "auditor");

    assertThat(Suggestions.closest("calculatr", known)).containsExactly("calculator");
    assertThat(Suggestions.closest("Worker", known)).containsExactly("worker");
    assertThat(Suggestions.closest("work", known)).containsExactly("worker");
    assertThat(Suggestions.closest("zebra", known)).isEmpty();
    assertThat(Suggestions.didYouMean("calculatr", known)).isEqualTo(" (did you mean 'calculator'?)");
    assertThat(Suggestions.didYouMean("zebra", known)).isEmpty();
  }
}
