package dev.reef.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Concurrency;
import dev.reef.Reef;
import dev.reef.agent.AgentRuntime;
import dev.reef.spring.TestAgents.Greeting;
import dev.reef.spring.TestAgents.Name;
import dev.reef.spring.TestAgents.Result;
import dev.reef.spring.TestAgents.Sum;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;

/** A real Boot application context, in memory: agents from beans, requests answered, Boot's registry and mapper. */
@SpringBootTest(classes = TestAgents.class, properties = {
    "reef.namespace=starter-test",
    "reef.agents.calculator.instances=2",
    "reef.agents.calculator.concurrency=concurrent",
    "reef.agents.calculator.pool-size=4",
    "reef.agents.slow.instances=0"})
class ReefStarterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Autowired
  Reef reef;
  @Autowired
  ReefAgentsLifecycle agents;
  @Autowired
  MeterRegistry meterRegistry;
  @Autowired
  ObjectMapper objectMapper;
  @Autowired
  HealthEndpoint health;
  @Autowired
  ObservationRegistry observationRegistry;

  @Test
  void runsTheAgentBeansAsThePropertiesSay() {
    AgentRuntime runtime = agents.runtime().orElseThrow();

    assertThat(agents.isRunning()).isTrue();
    assertThat(runtime.agentNames()).containsExactlyInAnyOrder("calculator", "slow", "greeter");
    assertThat(runtime.instances("calculator")).hasSize(2);
    assertThat(runtime.instances("greeter")).hasSize(1);
    assertThat(runtime.instances("slow")).isEmpty();
    assertThat(runtime.spec("calculator").options().concurrency()).isEqualTo(Concurrency.CONCURRENT);
    assertThat(runtime.spec("calculator").options().poolSize()).isEqualTo(4);
  }

  @Test
  void answersRequests() {
    Result sum = reef.channel("main").request("test", "calculator", new Sum(2, 3), Result.class, WAIT).join();
    Greeting greeting = reef.channel("main").request("test", "greeter", new Name("Ada"), Greeting.class, WAIT).join();

    assertThat(sum).isEqualTo(new Result(5));
    assertThat(greeting).isEqualTo(new Greeting("hello Ada"));
  }

  @Test
  void isBuiltOnBootsRegistryMapperAndProperties() {
    assertThat(reef.namespace()).isEqualTo("starter-test");
    assertThat(reef.meterRegistry()).isSameAs(meterRegistry);
    assertThat(reef.json().mapper()).isSameAs(objectMapper);

    reef.channel("main").request("test", "calculator", new Sum(1, 1), Result.class, WAIT).join();
    assertThat(meterRegistry.find("reef.spores.handled").tag("agent", "calculator").counter()).isNotNull();
  }

  @Test
  void observesThroughBootsObservationRegistry() {
    List<String> observed = new CopyOnWriteArrayList<>();
    ObservationHandler<Observation.Context> recorder = new ObservationHandler<>() {
      @Override
      public void onStop(Observation.Context context) {
        observed.add(context.getName());
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    };
    observationRegistry.observationConfig().observationHandler(recorder);

    reef.channel("main").request("test", "calculator", new Sum(4, 4), Result.class, WAIT).join();

    // A producer observation for the request's publish, a consumer one for the handler run.
    await().atMost(WAIT).until(() -> observed.contains("reef.spore.publish") && observed.contains("reef.spore.process"));
  }

  @Test
  void reportsHealth() {
    assertThat(health.healthForPath("reef").getStatus()).isEqualTo(Status.UP);
  }
}
