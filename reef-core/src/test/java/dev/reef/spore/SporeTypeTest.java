package dev.reef.spore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SporeTypeTest {

  @Test
  void wireValuesAreTheLowerCaseNames() {
    assertThat(SporeType.KNOWLEDGE.wireValue()).isEqualTo("knowledge");
    assertThat(SporeType.REQUEST.wireValue()).isEqualTo("request");
    assertThat(SporeType.RESPONSE.wireValue()).isEqualTo("response");
    assertThat(SporeType.BROADCAST.wireValue()).isEqualTo("broadcast");
    assertThat(SporeType.NOTIFICATION.wireValue()).isEqualTo("notification");
  }

  @ParameterizedTest
  @EnumSource(SporeType.class)
  void fromWireReadsEveryWireValue(SporeType type) {
    assertThat(SporeType.fromWire(type.wireValue())).isSameAs(type);
  }

  @ParameterizedTest
  @ValueSource(strings = {"KNOWLEDGE", "Request", "", " request", "reply", "command"})
  void fromWireRejectsAnythingElseNamingTheValidValues(String value) {
    assertThatThrownBy(() -> SporeType.fromWire(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown spore_type '" + value
            + "': expected one of knowledge, request, response, broadcast, notification");
  }

  @Test
  void fromWireRejectsNull() {
    assertThatThrownBy(() -> SporeType.fromWire(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown spore_type 'null'");
  }
}
