package dev.reef.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DuplicateWindowTest {

  @Test
  void anIdCanBeClaimedOnce() {
    DuplicateWindow window = new DuplicateWindow(10);
    long ticket = window.claim("a");
    assertThat(ticket).isNotEqualTo(DuplicateWindow.DUPLICATE);
    assertThat(window.claim("a")).isEqualTo(DuplicateWindow.DUPLICATE); // being handled
    window.handled("a", ticket);
    assertThat(window.claim("a")).isEqualTo(DuplicateWindow.DUPLICATE); // handled
    assertThat(window.contains("a")).isTrue();
    assertThat(window.claim("b")).isNotEqualTo(DuplicateWindow.DUPLICATE);
  }

  @Test
  void aReleasedIdCanBeClaimedAgain() {
    DuplicateWindow window = new DuplicateWindow(10);
    window.claim("a");
    window.release("a");
    assertThat(window.contains("a")).isFalse();
    assertThat(window.claim("a")).isNotEqualTo(DuplicateWindow.DUPLICATE);
  }

  @Test
  void theLastSizeIdsAreAlwaysKeptAndNoMoreThanTwiceAsMany() {
    DuplicateWindow window = new DuplicateWindow(3);
    for (int id = 1; id <= 7; id++) {
      window.handled(String.valueOf(id), window.claim(String.valueOf(id)));
    }
    // 1-3 filled a generation, 4-6 the next, which forgot 1-3; 7 starts a third.
    assertThat(window.contains("1")).isFalse();
    assertThat(window.contains("3")).isFalse();
    assertThat(window.contains("4")).isTrue();
    assertThat(window.contains("5")).isTrue();
    assertThat(window.contains("7")).isTrue();
    assertThat(window.claim("1")).isNotEqualTo(DuplicateWindow.DUPLICATE);
  }

  @Test
  void anIdForgottenWhileItsHandlerRanIsKeptAgainWhenItIsHandled() {
    DuplicateWindow window = new DuplicateWindow(2);
    long ticket = window.claim("slow");
    for (String id : new String[] {"a", "b", "c"}) {
      window.claim(id); // two generations go by: "slow" is forgotten
    }
    assertThat(window.contains("slow")).isFalse();
    window.handled("slow", ticket);
    assertThat(window.contains("slow")).isTrue();
  }

  @Test
  void sizeZeroTurnsItOff() {
    DuplicateWindow window = new DuplicateWindow(0);
    long ticket = window.claim("a");
    assertThat(ticket).isNotEqualTo(DuplicateWindow.DUPLICATE);
    window.handled("a", ticket);
    assertThat(window.claim("a")).isNotEqualTo(DuplicateWindow.DUPLICATE);
    assertThat(window.contains("a")).isFalse();
  }
}
