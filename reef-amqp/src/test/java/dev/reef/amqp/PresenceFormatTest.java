package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.spi.PresenceMessage;
import dev.reef.spore.JsonMapping;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The presence wire format (SPEC §5): field names kept from before, pid and stalled added, bad input refused. */
class PresenceFormatTest {
  private static final Instant STARTED = Instant.parse("2026-03-01T10:00:00.123456Z");

  private static PresenceMessage announce() {
    return new PresenceMessage(PresenceMessage.Kind.ANNOUNCE, "reef-1", "host-a", 4242, Duration.ofMillis(1500),
        List.of(new PresenceMessage.Instance("adder", "i-1", "main", Set.of("math", "sum"), STARTED, true),
            new PresenceMessage.Instance("poet", "i-2", "main", Set.of(), STARTED, false)));
  }

  @Test
  void aMessageSurvivesTheWire() throws Exception {
    for (PresenceMessage message : List.of(announce(),
        new PresenceMessage(PresenceMessage.Kind.HELLO, "reef-2", "host-b", -1, Duration.ofSeconds(5), List.of()),
        new PresenceMessage(PresenceMessage.Kind.LEAVE, "reef-3", "host-c", 7, Duration.ofSeconds(5), List.of()))) {
      assertThat(PresenceFormat.decode(PresenceFormat.encode(message))).isEqualTo(message);
    }
  }

  @Test
  void theFieldsHaveTheirWireNames() throws Exception {
    JsonNode json = JsonMapping.defaults().mapper().readTree(PresenceFormat.encode(announce()));

    assertThat(json.get("kind").asText()).isEqualTo("announce");
    assertThat(json.get("connection").asText()).as("the Reef id").isEqualTo("reef-1");
    assertThat(json.get("host").asText()).isEqualTo("host-a");
    assertThat(json.get("pid").asLong()).isEqualTo(4242);
    assertThat(json.get("heartbeat_ms").asLong()).isEqualTo(1500);
    JsonNode first = json.get("instances").get(0);
    assertThat(first.get("agent").asText()).isEqualTo("adder");
    assertThat(first.get("instance").asText()).isEqualTo("i-1");
    assertThat(first.get("channel").asText()).isEqualTo("main");
    assertThat(first.get("capabilities")).extracting(JsonNode::asText).containsExactly("math", "sum");
    assertThat(first.get("started_at").asText()).isEqualTo("2026-03-01T10:00:00.123456+00:00");
    assertThat(first.get("stalled").asBoolean()).isTrue();
  }

  @Test
  void whatEarlierReefsSentIsReadWithoutPidAndStalled() throws Exception {
    String old = """
        {"kind":"announce","connection":"c1","host":"h","heartbeat_ms":5000,"instances":[
          {"agent":"adder","instance":"i-1","channel":"main","capabilities":["math"],
           "started_at":"2026-03-01T10:00:00.123456+00:00"}]}""";

    PresenceMessage message = PresenceFormat.decode(old.getBytes(StandardCharsets.UTF_8));

    assertThat(message.pid()).isEqualTo(-1);
    assertThat(message.instances()).singleElement().satisfies(instance -> {
      assertThat(instance.stalled()).isFalse();
      assertThat(instance.capabilities()).containsExactly("math");
      assertThat(instance.startedAt()).isEqualTo(STARTED);
    });
  }

  @Test
  void aMalformedMessageIsRefusedWithItsReason() {
    assertReason("not json", "not JSON");
    assertReason("[1]", "not a JSON object");
    assertReason("{\"kind\":\"wave\",\"connection\":\"c\",\"host\":\"h\",\"heartbeat_ms\":1}", "unknown kind 'wave'");
    assertReason("{\"kind\":\"hello\",\"host\":\"h\",\"heartbeat_ms\":1}", "field 'connection'");
    assertReason("{\"kind\":\"hello\",\"connection\":\"c\",\"host\":\"h\",\"heartbeat_ms\":0}", "heartbeat_ms");
    assertReason("{\"kind\":\"hello\",\"connection\":\"c\",\"host\":\"h\",\"heartbeat_ms\":\"5s\"}", "heartbeat_ms");
    assertReason("{\"kind\":\"announce\",\"connection\":\"c\",\"host\":\"h\",\"heartbeat_ms\":1,\"instances\":"
        + "[{\"agent\":\"a.#\",\"instance\":\"i\",\"channel\":\"main\",\"started_at\":\"2026-03-01T10:00:00Z\"}]}",
        "invalid agent name");
    assertReason("{\"kind\":\"announce\",\"connection\":\"c\",\"host\":\"h\",\"heartbeat_ms\":1,\"instances\":"
        + "[{\"agent\":\"a\",\"instance\":\"i\",\"channel\":\"main\",\"started_at\":\"yesterday\"}]}", "started_at");
    assertReason("{\"kind\":\"announce\",\"connection\":\"c\",\"host\":\"h\",\"heartbeat_ms\":1,\"instances\":{}}",
        "'instances' must be an array");
  }

  private static void assertReason(String body, String reason) {
    assertThatThrownBy(() -> PresenceFormat.decode(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(PresenceFormat.MalformedPresenceException.class).hasMessageContaining(reason);
  }
}
