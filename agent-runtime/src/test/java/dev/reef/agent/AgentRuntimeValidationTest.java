package dev.reef.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Reef;
import dev.reef.ReefClosedException;
import dev.reef.spore.Spore;
import dev.reef.test.ReefTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every misuse of {@link AgentRuntime} fails at once with an exception naming what is wrong. */
@ReefTest
class AgentRuntimeValidationTest {
  private Reef reef;
  private AgentRuntime runtime;

  @BeforeEach
  void setUp(Reef testReef) {
    reef = testReef;
    runtime = AgentRuntime.on(reef);
  }

  static final class Plain {
    void handle(Spore spore) {}
  }

  @AgentDefinition(name = "wrong")
  static final class WrongSignature {
    @OnSpore
    String handle(Spore spore, String extra) {
      return extra;
    }
  }

  @AgentDefinition(name = "fine")
  static final class Fine {
    @OnSpore
    void handle(Spore spore) {}
  }

  private static AgentSpec spec(String name) {
    return AgentSpec.named(name).onAny((spore, ctx) -> null).build();
  }

  @Test
  void classWithoutAnnotation() {
    assertThatThrownBy(() -> runtime.register(Plain.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Plain.class.getName() + " is not an agent");
    assertThatThrownBy(() -> runtime.register(new Plain()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("annotate it with @AgentDefinition");
    assertThat(runtime.agentNames()).isEmpty();
  }

  @Test
  void handlerWithWrongSignature() {
    assertThatThrownBy(() -> runtime.register(new WrongSignature()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WrongSignature.handle(Spore, String) must take the spore, the context and/or the knowledge");
  }

  @Test
  void duplicateAgentName() {
    runtime.register(spec("fine"));

    assertThatThrownBy(() -> runtime.register(Fine.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an agent named 'fine' is registered already");
    assertThat(runtime.agentNames()).containsExactly("fine");
  }

  @Test
  void unknownAgentInStart() {
    runtime.register(spec("known"));

    assertThatThrownBy(() -> runtime.start("stranger", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no agent named 'stranger' is registered (registered: [known])");
    assertThatThrownBy(() -> runtime.instances("stranger"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no agent named 'stranger'");
  }

  @Test
  void badInstanceCount() {
    runtime.register(spec("counted"));

    assertThatThrownBy(() -> runtime.start("counted", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instance count for agent 'counted' must be at least 1, got 0");
    assertThatThrownBy(() -> runtime.start("counted", -3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -3");
    assertThat(runtime.instances("counted")).isEmpty();
  }

  @Test
  void nullArguments() {
    assertThatThrownBy(() -> AgentRuntime.on(null)).isInstanceOf(NullPointerException.class).hasMessage("reef");
    assertThatThrownBy(() -> runtime.register((AgentSpec) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> runtime.register((Object) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> runtime.start(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> runtime.awaitQuiescence(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AgentSpec.named("x").respondsTo("t", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("handler must not be null");
  }

  @Test
  void negativeDrainTimeout() {
    assertThatThrownBy(() -> runtime.stop(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("drainTimeout must not be negative");
  }

  @Test
  void useAfterClose() {
    runtime.register(spec("early"));
    runtime.start("early", 1);

    runtime.close();
    runtime.close(); // idempotent

    assertThat(runtime.isClosed()).isTrue();
    assertThat(runtime.instances("early")).isEmpty();
    assertThatThrownBy(() -> runtime.register(spec("late")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this AgentRuntime is closed");
    assertThatThrownBy(() -> runtime.start("early", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this AgentRuntime is closed");
  }

  @Test
  void closedReef() {
    runtime.register(spec("orphan"));
    reef.close();

    assertThatThrownBy(() -> runtime.start("orphan", 1)).isInstanceOf(ReefClosedException.class);
    assertThatThrownBy(() -> AgentRuntime.on(reef))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot run agents on a closed Reef");
  }
}
