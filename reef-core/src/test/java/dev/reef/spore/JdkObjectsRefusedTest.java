package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The default mapping writes data, and refuses JDK objects that are not data instead of writing their getters. */
class JdkObjectsRefusedTest {

  record Job(String name, Thread worker) {}

  record Values(UUID id, URI link, Instant at, Duration took, Optional<String> note, BigDecimal amount,
      List<String> tags, Map<String, Integer> counts) {}

  @Test
  void aThreadIsRefusedNamingItsClass() {
    assertThatThrownBy(() -> JsonDocument.of(new Thread(() -> { })))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Thread is a JDK object, not data");
  }

  @Test
  void aThreadInsideARecordIsRefusedToo() {
    assertThatThrownBy(() -> JsonDocument.of(new Job("nightly", new Thread(() -> { }))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Thread is a JDK object, not data");
  }

  @Test
  void jdkValuesThatAreDataAreStillWritten() {
    Values values = new Values(UUID.fromString("00000000-0000-0000-0000-000000000007"), URI.create("https://reef.dev"),
        Instant.parse("2026-01-02T03:04:05Z"), Duration.ofSeconds(90), Optional.of("n"), new BigDecimal("1.50"),
        List.of("a"), Map.of("x", 1));

    JsonDocument document = JsonDocument.of(values);

    assertThat(document.as(Values.class)).isEqualTo(values);
    assertThat(document.getString("link")).isEqualTo("https://reef.dev");
    assertThat(document.getString("took")).isEqualTo("PT1M30S");
  }
}
