package dev.reef.tools.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Masking passwords in any text, and durations as operators write them. */
class SecretsAndDurationsTest {

  @Test
  void passwordsInUrisAndPasswordParametersAreMasked() {
    assertThat(Secrets.mask("could not connect to amqp://guest:guest@localhost:5672: refused"))
        .isEqualTo("could not connect to amqp://guest:***@localhost:5672: refused");
    assertThat(Secrets.mask("amqps://u:p%40ss@h/v?keystore=/k.p12&keystore_password=hunter2&verify_hostname=false"))
        .isEqualTo("amqps://u:***@h/v?keystore=/k.p12&keystore_password=***&verify_hostname=false");
    assertThat(Secrets.mask("two: amqp://a:x@h1 and amqp://b:y@h2")).isEqualTo("two: amqp://a:***@h1 and amqp://b:***@h2");
    assertThat(Secrets.mask("amqp://localhost:5672 and amqp://user@host")).isEqualTo("amqp://localhost:5672 and amqp://user@host");
    assertThat(Secrets.mask(null)).isNull();
  }

  @Test
  void durationsReadTheShortAndTheIsoForms() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse(" 2m ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("invalid duration 'soon'");
    assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> Durations.parse("PT-5S")).hasMessageContaining("must not be negative");
  }
}
