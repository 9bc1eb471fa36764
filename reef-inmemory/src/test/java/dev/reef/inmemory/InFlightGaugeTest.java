package dev.reef.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SPEC §7: in-flight gauges tagged by channel, agent and spore type. */
class InFlightGaugeTest {

  @Test
  void countsUnsettledDeliveriesPerChannelAgentAndType() throws Exception {
    try (Reef reef = Reef.builder().uri("memory:").build()) {
      CountDownLatch release = new CountDownLatch(1);
      reef.channel("main").subscribe("slow", (spore, ctx) -> release.await(10, TimeUnit.SECONDS));
      reef.channel("main").subscribe("idle", (spore, ctx) -> null);

      reef.channel("main").send("boss", "slow", Map.of("n", 1)).join();
      reef.channel("main").send("boss", "slow", Map.of("n", 2)).join();

      MeterRegistry meters = reef.meterRegistry();
      // One handler runs, the other spore waits behind it: both are held and unsettled.
      await().atMost(Duration.ofSeconds(5)).until(() -> inFlight(meters, "slow", "knowledge") == 2);
      assertThat(inFlight(meters, "slow", "broadcast")).isZero();
      assertThat(inFlight(meters, "idle", "knowledge")).isZero();
      assertThat(reef.stats().inFlight()).isEqualTo(2);

      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> inFlight(meters, "slow", "knowledge") == 0);
      assertThat(reef.stats().inFlight()).isZero();
    }
  }

  private static double inFlight(MeterRegistry meters, String agent, String type) {
    Gauge gauge = meters.find("reef.spores.in_flight").tags("channel", "main", "agent", agent, "type", type).gauge();
    assertThat(gauge).as("gauge for %s/%s", agent, type).isNotNull();
    return gauge.value();
  }
}
