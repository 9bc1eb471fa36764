package dev.reef;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builder-setter validation; the tests on {@link FakeBackend} cover built Reefs. */
class ReefBuilderTest {

  @Test
  void namespaceMustBeAValidName() {
    assertThatThrownBy(() -> Reef.builder().namespace("my namespace"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid namespace 'my namespace': may only contain A-Z a-z 0-9 _ -");
    assertThatThrownBy(() -> Reef.builder().namespace("")).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> Reef.builder().namespace(null)).hasMessageContaining("must not be null");
    assertThatThrownBy(() -> Reef.builder().namespace("n".repeat(129))).hasMessageContaining("limit is 128");
    assertThatCode(() -> Reef.builder().namespace("praval")).doesNotThrowAnyException();
  }

  @Test
  void uriMustParse() {
    assertThatThrownBy(() -> Reef.builder().uri("amqp://host with spaces"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid backend URI: ");
    assertThatThrownBy(() -> Reef.builder().uri(":no-scheme")).hasMessageStartingWith("invalid backend URI: ");
    assertThatThrownBy(() -> Reef.builder().uri(null)).isInstanceOf(NullPointerException.class).hasMessage("uri");
    assertThatCode(() -> Reef.builder().uri("amqp://guest:guest@localhost:5672/vhost")).doesNotThrowAnyException();
    assertThatCode(() -> Reef.builder().uri("memory:")).doesNotThrowAnyException();
  }

  @Test
  void maxKnowledgeBytesAtLeastTwo() {
    assertThatThrownBy(() -> Reef.builder().maxKnowledgeBytes(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxKnowledgeBytes must be at least 2, got 1");
    assertThatThrownBy(() -> Reef.builder().maxKnowledgeBytes(-5)).hasMessageContaining("got -5");
    assertThatCode(() -> Reef.builder().maxKnowledgeBytes(2)).doesNotThrowAnyException();
  }

  @Test
  void broadcastRateLimitNeedsAPermitAndAPositivePeriod() {
    assertThatThrownBy(() -> Reef.builder().broadcastRateLimit(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("broadcast permits must be at least 1, got 0");
    assertThatThrownBy(() -> Reef.builder().broadcastRateLimit(5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("broadcast rate period must be positive, got PT0S");
    assertThatThrownBy(() -> Reef.builder().broadcastRateLimit(5, Duration.ofSeconds(-1)))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> Reef.builder().broadcastRateLimit(5, null))
        .isInstanceOf(NullPointerException.class).hasMessage("per");
  }

  @Test
  void drainTimeoutNotNegative() {
    assertThatThrownBy(() -> Reef.builder().drainTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("drainTimeout must not be negative");
    assertThatThrownBy(() -> Reef.builder().drainTimeout(null))
        .isInstanceOf(NullPointerException.class).hasMessage("drainTimeout");
    assertThatCode(() -> Reef.builder().drainTimeout(Duration.ZERO)).doesNotThrowAnyException();
  }

  @Test
  void collaboratorsAreRequired() {
    assertThatThrownBy(() -> Reef.builder().backend(null)).isInstanceOf(NullPointerException.class).hasMessage("backend");
    assertThatThrownBy(() -> Reef.builder().vertx(null)).isInstanceOf(NullPointerException.class).hasMessage("vertx");
    assertThatThrownBy(() -> Reef.builder().meterRegistry(null))
        .isInstanceOf(NullPointerException.class).hasMessage("meterRegistry");
    assertThatThrownBy(() -> Reef.builder().authorizer(null))
        .isInstanceOf(NullPointerException.class).hasMessage("authorizer");
  }

  @Test
  void withoutABackendOnTheClassPathBuildingSaysWhatToAdd() {
    // reef-core's own tests have no provider on the class path, so this is the real ServiceLoader path.
    assertThatThrownBy(() -> Reef.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Reef backend for URI scheme 'memory'")
        .hasMessageContaining("dev.reef:reef-inmemory");
    assertThatThrownBy(() -> Reef.builder().uri("amqp://localhost").build())
        .hasMessageContaining("no Reef backend for URI scheme 'amqp'");
  }
}
