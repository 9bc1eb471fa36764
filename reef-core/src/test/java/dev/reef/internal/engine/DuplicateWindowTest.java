package dev.reef.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DuplicateWindowTest {

  @Test
  void anIdCanBeClaimedOnce() {
    DuplicateWindow window = new DuplicateWindow(10);
    assertThat(window.claim("a")).isTrue();
    assertThat(window.claim("a")).isFalse(); // being handled
    window.handled("a");
    assertThat(window.claim("a")).isFalse(); // handled
    assertThat(window.contains("a")).isTrue();
    assertThat(window.claim("b")).isTrue();
  }

  @Test
  void aReleasedIdCanBeClaimedAgain() {
    DuplicateWindow window = new DuplicateWindow(10);
    window.claim("a");
    window.release("a");
    assertThat(window.contains("a")).isFalse();
    assertThat(window.claim("a")).isTrue();
  }

  @Test
  void theOldestIdsAreForgottenBeyondTheSize() {
    DuplicateWindow window = new DuplicateWindow(3);
    for (String id : new String[] {"1", "2", "3", "4"}) {
      window.claim(id);
      window.handled(id);
    }
    assertThat(window.contains("1")).isFalse();
    assertThat(window.contains("2")).isTrue();
    assertThat(window.contains("4")).isTrue();
    assertThat(window.claim("1")).isTrue();
  }

  @Test
  void sizeZeroTurnsItOff() {
    DuplicateWindow window = new DuplicateWindow(0);
    assertThat(window.claim("a")).isTrue();
    window.handled("a");
    assertThat(window.claim("a")).isTrue();
    assertThat(window.contains("a")).isFalse();
  }
}
