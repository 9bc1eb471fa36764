package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test parser must be able to fail: otherwise "/metrics parses" would prove nothing. */
class PrometheusTextTest {

  @Test
  void readsFamiliesSamplesLabelsAndEscapes() {
    PrometheusText.Exposition exposition = PrometheusText.parse("""
        # HELP reef_spores_sent_total Spores sent\\nby agent
        # TYPE reef_spores_sent_total counter
        reef_spores_sent_total{agent="a\\"b\\\\c",channel="main",} 3.0
        reef_spores_sent_total{agent="x",channel="main"} 2
        # TYPE reef_handler_latency_seconds summary
        reef_handler_latency_seconds_count{channel="main",} 1.0
        reef_handler_latency_seconds_sum{channel="main",} 5.0E-3
        up NaN 1700000000000
        """);

    assertThat(exposition.types()).containsEntry("reef_spores_sent_total", "counter")
        .containsEntry("reef_handler_latency_seconds", "summary");
    assertThat(exposition.sum("reef_spores_sent_total", PrometheusText.labels("channel", "main"))).isEqualTo(5.0);
    assertThat(exposition.sum("reef_spores_sent_total", PrometheusText.labels("agent", "a\"b\\c"))).isEqualTo(3.0);
    assertThat(exposition.sum("reef_handler_latency_seconds_sum", PrometheusText.labels())).isEqualTo(0.005);
    assertThat(exposition.has("up")).isTrue();
  }

  @Test
  void rejectsWhatPrometheusWouldReject() {
    assertRejected("bad-name 1\n", "bad metric name");
    assertRejected("m{1a=\"x\"} 1\n", "bad label name");
    assertRejected("m{a=x} 1\n", "not quoted");
    assertRejected("m{a=\"x\\t\"} 1\n", "bad escape");
    assertRejected("m{a=\"x\"\n", "unterminated");
    assertRejected("m{a=\"x\",a=\"y\"} 1\n", "twice");
    assertRejected("m 1.2.3\n", "bad value");
    assertRejected("m\n", "no value");
    assertRejected("m 1 12.5\n", "bad timestamp");
    assertRejected("m 1\nm 2\n", "the same series twice");
    assertRejected("m 1\n# TYPE m gauge\n", "TYPE after samples");
    assertRejected("# TYPE m gauge\n# TYPE m gauge\n", "second TYPE");
    assertRejected("# TYPE m meter\n", "bad type");
    assertRejected("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n", "not together");
    assertRejected("m 1", "line feed");
  }

  private static void assertRejected(String text, String problem) {
    assertThatThrownBy(() -> PrometheusText.parse(text)).as(text)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }
}
