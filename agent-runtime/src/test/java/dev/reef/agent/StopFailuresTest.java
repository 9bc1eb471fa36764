package dev.reef.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.AccessDeniedException;
import dev.reef.Action;
import dev.reef.Reef;
import dev.reef.Subscription;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping goes on when one subscription cannot be closed (here: the authorizer refuses to let it
 * unsubscribe): every other one is closed, and every failure is reported, none hidden.
 */
class StopFailuresTest {
  private final AtomicBoolean refuseOnA = new AtomicBoolean(true);
  private Reef reef;
  private AgentRuntime runtime;

  @BeforeEach
  void setUp() {
    reef = Reef.builder().uri("memory:")
        .authorizer(request -> refuseOnA.get() && request.action() == Action.UNSUBSCRIBE && "a".equals(request.channel())
            ? "no unsubscribing from a" : null)
        .build();
    runtime = AgentRuntime.on(reef);
    runtime.register(AgentSpec.named("two").channels("a", "b").onAny((spore, context) -> null).build());
  }

  @AfterEach
  void tearDown() {
    refuseOnA.set(false);
    runtime.close();
    reef.close();
  }

  @Test
  void aRefusedStopStopsEverythingElseAndReportsEveryFailure() {
    List<RunningInstance> instances = runtime.start("two", 2);

    assertThatThrownBy(() -> runtime.stop())
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("no unsubscribing from a")
        .satisfies(failure -> assertThat(failure.getSuppressed()).singleElement()
            .isInstanceOf(AccessDeniedException.class));

    for (RunningInstance instance : instances) {
      Subscription onA = instance.subscriptions().get(0);
      Subscription onB = instance.subscriptions().get(1);
      assertThat(onA.channel()).isEqualTo("a");
      assertThat(onA.isActive()).as("refused: still running").isTrue();
      assertThat(onB.isActive()).as("closed although a was refused first").isFalse();
    }

    refuseOnA.set(false);
    instances.forEach(RunningInstance::stop);
    assertThat(instances).noneMatch(RunningInstance::isActive);
  }
}
