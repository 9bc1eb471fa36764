package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
  @Test
  void aChildThatDoesNotFinishIsEndedAfterItsThreadsArePrinted() throws Exception {
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    try (ChildJvm child = ChildJvm.start("sleeper", Sleeper.class, List.of(), List.of(), null)) {
      child.awaitPrefix("READY", Duration.ofSeconds(60));

      assertThatThrownBy(() -> child.awaitExit(Duration.ofSeconds(1),
          new PrintStream(diagnostics, true, StandardCharsets.UTF_8)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("sleeper did not finish within 1 s; it was ended");
    }
    assertThat(diagnostics.toString(StandardCharsets.UTF_8))
        .startsWith("[sleeper] did not finish; its threads:")
        .contains("[sleeper] \tat " + Sleeper.class.getName() + ".main");
  }

  /** A child that hangs in its main method. */
  static final class Sleeper {
    public static void main(String[] args) throws InterruptedException {
      System.out.println("READY");
      Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
  }
}
