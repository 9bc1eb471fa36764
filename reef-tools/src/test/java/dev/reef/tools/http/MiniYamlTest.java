package dev.reef.tools.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deploy checks are only as good as this reader: it must read the subset right and refuse the rest. */
class MiniYamlTest {

  @Test
  void readsMappingsSequencesScalarsAndBlockText() {
    Object parsed = MiniYaml.parse("""
        # a comment
        name: reef   # trailing comment
        url: http://prometheus:9090/#anchor-in-a-url
        ports:
          - "5672:5672"
          - '15672:15672'
        test: ["CMD", "rabbitmq-diagnostics", -q]
        empty: {}
        containers:
          - name: agent
            env:
              - name: A
                value: "1"
          - name: sidecar
        list:
        - at the key's indentation
        config: |
          line one
            indented
        folded: >-
          one
          two
        """, "test.yaml");

    assertThat(parsed).isEqualTo(Map.of(
        "name", "reef",
        "url", "http://prometheus:9090/#anchor-in-a-url",
        "ports", List.of("5672:5672", "15672:15672"),
        "test", List.of("CMD", "rabbitmq-diagnostics", "-q"),
        "empty", Map.of(),
        "containers", List.of(
            Map.of("name", "agent", "env", List.of(Map.of("name", "A", "value", "1"))),
            Map.of("name", "sidecar")),
        "list", List.of("at the key's indentation"),
        "config", "line one\n  indented\n",
        "folded", "one two"));
    assertThat(MiniYaml.parse("nothing:\n", "null.yaml")).isEqualTo(java.util.Collections.singletonMap("nothing", null));
  }

  @Test
  void refusesWhatItDoesNotUnderstand() {
    assertRefused("a: 1\na: 2\n", "duplicate key 'a'");
    assertRefused("a:\n\tb: 1\n", "tabs");
    assertRefused("a: &x 1\nb: *x\n", "anchors");
    assertRefused("a: !!str 1\n", "tags");
    assertRefused("a: {b: 1}\n", "flow mappings");
    assertRefused("a:\n  b: 1\n   c: 2\n", "indentation");
    assertRefused("a: \"open\n", "closing quote");
    assertRefused("just a line\n", "expected 'key: value'");
    assertRefused("- - nested\n", "nested sequences");
  }

  private static void assertRefused(String text, String problem) {
    assertThatThrownBy(() -> MiniYaml.parse(text, "bad.yaml")).as(text)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem);
  }
}
