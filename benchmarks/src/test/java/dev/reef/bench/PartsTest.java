package dev.reef.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic and parsing the scenarios' figures rest on. */
class PartsTest {

  @Test
  void aRateRatioIsReefOverReferenceAndATimeRatioReferenceOverReef() {
    Result rate = Result.rate("inmemory-throughput", 150_000, 600_000, "msgs/s");
    assertThat(rate.ratio()).isEqualTo(0.25);
    assertThat(rate.line())
        .isEqualTo("RESULT scenario=inmemory-throughput reef=150000 reference=600000 unit=msgs/s ratio=0.250");
    Result time = Result.time("amqp-rpc-latency", 400, 300, "us");
    assertThat(time.ratio()).isEqualTo(0.75);
    assertThat(time.line()).isEqualTo("RESULT scenario=amqp-rpc-latency reef=400 reference=300 unit=us ratio=0.750");
    assertThat(Result.figure(12.3456)).isEqualTo("12.3");
  }

  @Test
  void thePeerLineIsOrientedAsTheResultLine() {
    Result rate = Result.rate("amqp-throughput", 9_000, 12_000, "msgs/s").withPeer(7_500);
    assertThat(rate.peerRatio()).isEqualTo(1.2);
    assertThat(rate.peerLine()).isEqualTo("PEER scenario=amqp-throughput reef=9000 peer=7500 unit=msgs/s ratio=1.200");
    assertThat(rate.line()).isEqualTo(
        "RESULT scenario=amqp-throughput reef=9000 reference=12000 unit=msgs/s ratio=0.750");
    Result time = Result.time("amqp-rpc-latency", 800, 600, "us").withPeer(1_000);
    assertThat(time.peerRatio()).isEqualTo(1.25);
    assertThat(time.peerLine()).isEqualTo("PEER scenario=amqp-rpc-latency reef=800 peer=1000 unit=us ratio=1.250");
    assertThatThrownBy(() -> Result.rate("scale", 1, 2, "ms").peerLine())
        .isInstanceOf(IllegalStateException.class).hasMessage("scenario scale has no peer");
  }

  @Test
  void figuresGiveEachSidesMedianAndSpreadAndTheLastRoundsRatios() {
    Figures figures = new Figures(List.of("reef", "spring-amqp", "perftest"));
    double[][] rounds = {{900, 1_000, 1_200}, {1_100, 800, 1_000}, {1_000, 900, 1_100}};
    for (double[] round : rounds) {
      figures.add("reef", round[0]);
      figures.add("spring-amqp", round[1]);
      figures.add("perftest", round[2]);
    }
    assertThat(figures.median("reef")).isEqualTo(1_000.0);
    assertThat(figures.spread("reef")).isEqualTo("900-1,100 (±10%)");
    assertThat(figures.lastRates("msgs/s")).isEqualTo("reef 1,000 msgs/s, spring-amqp 900 msgs/s, perftest 1,100 "
        + "msgs/s; reef/spring-amqp 1.111, reef/perftest 0.909");
    assertThat(figures.summary("msgs/s")).isEqualTo("reef 1,000 msgs/s, spread 900-1,100 (±10%); spring-amqp 900 "
        + "msgs/s, spread 800-1,000 (±11%); perftest 1,100 msgs/s, spread 1,000-1,200 (±9%)");
    assertThatThrownBy(() -> figures.add("vertx", 1)).hasMessageContaining("unknown side 'vertx'");
  }

  @Test
  void eachSideGoesFirstInTurn() {
    List<String> sides = List.of("reef", "spring-amqp", "perftest");
    assertThat(Scenarios.order(sides, 1)).containsExactly("reef", "spring-amqp", "perftest");
    assertThat(Scenarios.order(sides, 2)).containsExactly("spring-amqp", "perftest", "reef");
    assertThat(Scenarios.order(sides, 3)).containsExactly("perftest", "reef", "spring-amqp");
    assertThat(Scenarios.order(sides, 4)).isEqualTo(Scenarios.order(sides, 1));
    assertThat(Scenarios.order(List.of("reef", "plain"), 2)).containsExactly("plain", "reef");
  }

  @Test
  void theSteadyRateLeavesOutTheIdleStartTheWarmUpAndTheLastInterval() {
    List<Intervals.Sample> samples = Intervals.parse(List.of(
        "time 1.000 s, received: 0 msg/s",
        "id: test-1, time 2.000 s, sent: 0 msg/s, received: 100 msg/s, min/median consumer latency: 1/2 ms",
        "time 3.000 s, received: 1000 msg/s",
        "time 4.000 s, received: 3000 msg/s",
        "time 5.000 s, received: 50 msg/s",
        "time 6.000 s, received: 0 msg/s",
        "not a sample"));
    assertThat(samples).hasSize(6);
    assertThat(Intervals.steadyRate(samples)).isEqualTo(2000.0);
  }

  @Test
  void aShortRunIsMeasuredOverEveryIntervalWithDeliveries() {
    List<Intervals.Sample> samples = Intervals.parse(List.of(
        "time 1.000 s, received: 100 msg/s", "time 2.000 s, received: 300 msg/s"));
    assertThat(Intervals.steadyRate(samples)).isEqualTo(200.0);
    assertThatThrownBy(() -> Intervals.steadyRate(Intervals.parse(List.of("time 1.000 s, received: 0 msg/s"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no interval had deliveries");
  }

  @Test
  void latenciesReportNearestRankPercentilesInMicroseconds() {
    Latencies latencies = new Latencies(100);
    for (int i = 1; i <= 100; i++) {
      latencies.record(i * 1_000L);
    }
    String line = latencies.line(64);
    assertThat(line).isEqualTo("LATENCY inflight=64 count=100 p50=50.0 p99=99.0 mean=50.5");
    assertThat(Latencies.Summary.parse(line)).isEqualTo(new Latencies.Summary(64, 100, 50.0, 99.0, 50.5));
  }

  @Test
  void paramsPreferArgumentsAndRejectWhatNoScenarioReads() {
    Params params = Params.of(new String[] {"--rounds=4", "--smoke=true"}, Map.of("bench.rounds", "9",
        "bench.window", "7"));
    assertThat(params.smoke()).isTrue();
    assertThat(params.intValue("rounds", 3, 1, 1)).isEqualTo(4);
    assertThat(params.intValue("window", 128, 128, 1)).isEqualTo(7);
    assertThat(params.intValue("messages", 100_000, 2_000, 1)).isEqualTo(2_000);
    params.requireAllUsed();
    Params unknown = Params.of(new String[] {"--roundz=4"}, Map.of());
    unknown.intValue("rounds", 3, 1, 1);
    assertThatThrownBy(unknown::requireAllUsed).hasMessageContaining("unknown parameter(s) [roundz]");
  }

  @Test
  void theUriIsPrintedWithoutItsPassword() {
    assertThat(Scenarios.masked("amqp://bob:s3cret@rabbit:5672/vh")).isEqualTo("amqp://bob:***@rabbit:5672/vh");
  }
}
