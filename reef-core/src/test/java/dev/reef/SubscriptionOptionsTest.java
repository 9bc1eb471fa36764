package dev.reef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionOptionsTest {

  @Test
  void defaults() {
    SubscriptionOptions options = SubscriptionOptions.DEFAULT;
    assertThat(options.concurrency()).isEqualTo(Concurrency.SEQUENTIAL);
    assertThat(options.poolSize()).isEqualTo(1);
    assertThat(options.prefetch()).isEqualTo(16);
    assertThat(options.retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(options.capabilities()).isEmpty();
    assertThat(options.duplicateWindow()).isEqualTo(10_000);
    assertThat(SubscriptionOptions.builder().build()).isEqualTo(SubscriptionOptions.DEFAULT);
  }

  @Test
  void concurrentSetsTheModeAndThePool() {
    SubscriptionOptions options = SubscriptionOptions.builder().concurrent(8).build();
    assertThat(options.concurrency()).isEqualTo(Concurrency.CONCURRENT);
    assertThat(options.poolSize()).isEqualTo(8);
  }

  @Test
  void toBuilderRoundTrips() {
    SubscriptionOptions options = SubscriptionOptions.builder()
        .concurrent(4).prefetch(64).retry(RetryPolicy.attempts(5)).capabilities("search", "summarize")
        .duplicateWindow(0).build();
    assertThat(options.toBuilder().build()).isEqualTo(options);
    assertThat(options.toBuilder().prefetch(1).build().capabilities()).containsExactlyInAnyOrder("search", "summarize");
  }

  @Test
  void capabilitiesAreCopiedAndUnmodifiable() {
    Set<String> capabilities = new HashSet<>(Set.of("search"));
    SubscriptionOptions.Builder builder = SubscriptionOptions.builder();
    builder.capabilities(capabilities.toArray(String[]::new));
    SubscriptionOptions options = builder.build();
    capabilities.add("other");
    assertThat(options.capabilities()).containsExactly("search");
    assertThatThrownBy(() -> options.capabilities().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void capabilitiesAccumulateAcrossCalls() {
    SubscriptionOptions options = SubscriptionOptions.builder().capabilities("a").capabilities("b", "c").build();
    assertThat(options.capabilities()).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void poolSizeAtLeastOne() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().poolSize(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("poolSize must be at least 1, got 0");
    assertThatThrownBy(() -> SubscriptionOptions.builder().concurrent(-3).build())
        .hasMessage("poolSize must be at least 1, got -3");
  }

  @Test
  void prefetchAtLeastOne() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().prefetch(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("prefetch must be at least 1, got 0");
  }

  @Test
  void duplicateWindowNotNegative() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().duplicateWindow(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicateWindow must not be negative, got -1");
    assertThat(SubscriptionOptions.builder().duplicateWindow(0).build().duplicateWindow()).isZero();
  }

  @Test
  void concurrencyAndRetryAreRequired() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().concurrency(null).build())
        .isInstanceOf(NullPointerException.class).hasMessage("concurrency");
    assertThatThrownBy(() -> SubscriptionOptions.builder().retry(null).build())
        .isInstanceOf(NullPointerException.class).hasMessage("retry");
  }

  @Test
  void capabilitiesMustBeValidNames() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().capabilities("web search").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid capability 'web search': may only contain A-Z a-z 0-9 _ -");
    assertThatThrownBy(() -> SubscriptionOptions.builder().capabilities("").build())
        .hasMessage("invalid capability '': must not be empty");
  }
}
