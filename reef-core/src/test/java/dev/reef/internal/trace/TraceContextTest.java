package dev.reef.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import org.junit.jupiter.api.Test;

class TraceContextTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void readsAW3cTraceparent() {
    assertThat(TraceContext.parse("00-" + TRACE + "-" + SPAN + "-01")).isEqualTo(new TraceContext(TRACE));
    assertThat(TraceContext.parse("  00-" + TRACE + "-" + SPAN + "-00 ")).isEqualTo(new TraceContext(TRACE));
    // A later version may append fields.
    assertThat(TraceContext.parse("01-" + TRACE + "-" + SPAN + "-01-what-comes-next"))
        .isEqualTo(new TraceContext(TRACE));
  }

  @Test
  void refusesWhatTheW3cCallsInvalid() {
    String[] invalid = {
      "", "00", "00-" + TRACE + "-" + SPAN, "00-" + TRACE + "-" + SPAN + "-1",
      "ff-" + TRACE + "-" + SPAN + "-01", "0g-" + TRACE + "-" + SPAN + "-01",
      "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01", "00-" + TRACE + "-" + SPAN + "-0x",
      "00-" + "0".repeat(32) + "-" + SPAN + "-01", "00-" + TRACE + "-" + "0".repeat(16) + "-01",
      "00_" + TRACE + "-" + SPAN + "-01", "00-" + TRACE + "x" + SPAN + "-01", "00-" + TRACE + "-" + SPAN + "-01x",
      "00-" + TRACE.substring(1) + "-" + SPAN + "-012",
    };
    for (String traceparent : invalid) {
      assertThat(TraceContext.parse(traceparent)).as(traceparent).isNull();
    }
  }

  @Test
  void aSporeWithoutATraceStartsOneNamedAfterItsId() {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("a").to("b").build();
    TraceContext trace = TraceContext.of(spore);
    assertThat(trace.traceId()).isEqualTo(spore.id().replace("-", "")).hasSize(32);
    assertThat(TraceContext.parse(trace.childTraceparent())).extracting(TraceContext::traceId).isEqualTo(trace.traceId());
  }

  @Test
  void aUuidsHexDigitsAreItsDigitsInLowerCase() {
    assertThat(TraceContext.hexDigits("4BF92F35-77B3-4DA6-A3CE-929D0E0E4736")).isEqualTo(TRACE);
    assertThat(TraceContext.hexDigits("4bf92f35-77b3-4da6-a3ce-929d0e0e4736")).isEqualTo(TRACE);
    for (int i = 0; i < 1000; i++) {
      java.util.UUID uuid = java.util.UUID.randomUUID();
      assertThat(TraceContext.hexDigits(uuid.toString().toUpperCase()))
          .isEqualTo(String.format("%016x%016x", uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()));
    }
  }

  @Test
  void aSporeCarryingATraceKeepsIt() {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("a").to("b")
        .metadata(TraceContext.KEY, "00-" + TRACE + "-" + SPAN + "-01").build();
    assertThat(TraceContext.of(spore)).isEqualTo(new TraceContext(TRACE));
  }
}
