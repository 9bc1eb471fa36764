package dev.reef.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TestBrokersTest {

  @Test
  void theEnvironmentComesFirst() {
    AtomicBoolean probed = new AtomicBoolean();
    String uri = TestBrokers.find(Map.of(TestBrokers.ENV, " amqp://u:p@rabbit:5672/v ")::get,
        () -> probed.getAndSet(true), () -> Optional.of("amqp://container"));

    assertThat(uri).isEqualTo("amqp://u:p@rabbit:5672/v");
    assertThat(probed).isFalse();
  }

  @Test
  void thenABrokerOnLocalhost() {
    String uri = TestBrokers.find(Map.of(TestBrokers.ENV, " ")::get, () -> true, () -> Optional.of("amqp://container"));

    assertThat(uri).isEqualTo("amqp://guest:guest@localhost:5672");
  }

  @Test
  void thenAContainer() {
    String uri = TestBrokers.find(Map.<String, String>of()::get, () -> false, () -> Optional.of("amqp://container"));

    assertThat(uri).isEqualTo("amqp://container");
  }

  @Test
  void withNoneItFailsSayingHowToGetOne() {
    assertThatThrownBy(() -> TestBrokers.find(Map.<String, String>of()::get, () -> false, Optional::empty))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REEF_AMQP_URI")
        .hasMessageContaining("localhost:5672")
        .hasMessageContaining("org.testcontainers:testcontainers");
  }
}
