package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "_", "-", "agent_1", "Data-Analyst", "UPPER_lower-09"})
  void validNames(String name) {
    assertThat(Names.isValid(name)).isTrue();
    assertThat(Names.require("agent name", name)).isSameAs(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "a.b", "a/b", "a:b", "a*", "é", "a\n", "#"})
  void invalidNames(String name) {
    assertThat(Names.isValid(name)).isFalse();
    assertThatThrownBy(() -> Names.require("agent name", name)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLimitIs128Characters() {
    assertThat(Names.MAX_LENGTH).isEqualTo(128);
    assertThat(Names.isValid("x".repeat(128))).isTrue();
    assertThat(Names.isValid("x".repeat(129))).isFalse();
  }

  @Test
  void nullIsInvalid() {
    assertThat(Names.isValid(null)).isFalse();
    assertThatThrownBy(() -> Names.require("channel name", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid channel name null: must not be null");
  }

  @Test
  void messagesNameTheKindTheValueAndTheProblem() {
    assertThatThrownBy(() -> Names.require("channel name", ""))
        .hasMessage("invalid channel name '': must not be empty");
    assertThatThrownBy(() -> Names.require("agent name", "two words"))
        .hasMessageStartingWith("invalid agent name 'two words': may only contain A-Z a-z 0-9 _ -");
    assertThatThrownBy(() -> Names.require("namespace", "n".repeat(129)))
        .hasMessage("invalid namespace '" + "n".repeat(40) + "...': is 129 characters long, the limit is 128");
  }
}
