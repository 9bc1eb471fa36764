package dev.reef.examples.distributed;

import static dev.reef.test.SporeMatch.knowledgeType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.agent.AgentRuntime;
import dev.reef.examples.distributed.Calculator.Operation;
import dev.reef.examples.distributed.Calculator.Result;
import dev.reef.spore.Spore;
import dev.reef.test.ReefAssertions;
import dev.reef.test.ReefTest;
import dev.reef.test.SporeRecorder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The distributed example's agents, in one JVM on the in-memory backend: the same code that `reef run` starts. */
@ReefTest
class DistributedAgentsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Reef reef;
  private AgentRuntime runtime;
  private Channel main;

  @BeforeEach
  void setUp(Reef testReef) {
    reef = testReef;
    main = reef.channel("main");
    runtime = AgentRuntime.on(reef).register(Calculator.class).register(Worker.class);
    runtime.start("calculator", 1);
  }

  @Test
  void theCalculatorAnswersTypedRequestsAndKeepsIntegersIntegral() {
    Result sum = main.request("client", "calculator", operation("add", 2, 3), Result.class, WAIT).join();
    Spore quotient = main.request("client", "calculator", Map.of("type", "divide", "a", 1, "b", 4), WAIT).join();

    assertThat(sum.operation()).isEqualTo("add");
    assertThat(sum.result()).isEqualTo(5);
    assertThat(quotient.knowledge().get("result").asDouble()).isEqualTo(0.25);
    ReefAssertions.assertSettledCleanly(reef, WAIT);
  }

  @Test
  void aDivisionByZeroFailsTheCallerOnceAndIsDeadLettered() {
    CompletableFuture<Result> reply = main.request("client", "calculator", operation("divide", 1, 0), Result.class, WAIT);

    assertThat(reply).failsWithin(WAIT).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(RemoteHandlerException.class,
            error -> assertThat(error.remoteMessage()).isEqualTo("division by zero"));
    ReefAssertions.assertQuiescent(reef, WAIT);
    assertThat(reef.deadLetters().list()).singleElement().satisfies(letter -> {
      assertThat(letter.agent()).isEqualTo("calculator");
      assertThat(letter.attempts()).isEqualTo(1); // maxAttempts = 1: asking again would not help
    });
  }

  @Test
  void workersReportEachJobToWhoeverSentIt() {
    try (SporeRecorder orchestrator = SporeRecorder.asAgent(main, "orchestrator")) {
      runtime.start("worker", 2);
      for (int job = 1; job <= 6; job++) {
        main.send("orchestrator", "worker", Map.of("type", "job", "job", job, "work_ms", 5)).join();
      }

      List<Spore> done = orchestrator.await(knowledgeType("job-done"), 6, WAIT);

      assertThat(done).extracting(spore -> spore.knowledge().get("job").asInt())
          .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
      assertThat(done).allSatisfy(spore -> assertThat(spore.knowledge().getString("worker")).isEqualTo(Worker.PROCESS));
      ReefAssertions.assertSettledCleanly(reef, WAIT);
    }
  }

  private static Operation operation(String type, int a, int b) {
    return new Operation(type, BigDecimal.valueOf(a), BigDecimal.valueOf(b));
  }
}
