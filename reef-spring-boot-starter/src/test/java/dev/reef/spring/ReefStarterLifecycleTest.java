package dev.reef.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.inmemory.InMemoryBroker;
import dev.reef.spring.TestAgents.Slow;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Boot application on an in-memory broker shared by name, which outlives the application: what a
 * drain leaves queued can be looked at afterwards, and the broker can go away under it.
 */
class ReefStarterLifecycleTest {
  private final String brokerName = "starter-" + UUID.randomUUID();

  @AfterEach
  void closeBroker() {
    InMemoryBroker.shared(brokerName).close();
  }

  private ConfigurableApplicationContext start(String... properties) {
    return new SpringApplicationBuilder(TestAgents.class).web(WebApplicationType.NONE)
        .properties("reef.uri=memory://" + brokerName, "reef.namespace=lifecycle", "reef.drain-timeout=10s")
        .properties(properties)
        .run();
  }

  @Test
  void closingTheContextDrainsTheAgents() throws InterruptedException {
    ConfigurableApplicationContext context = start();
    Reef reef = context.getBean(Reef.class);
    Slow slow = context.getBean(Slow.class);
    Channel main = reef.channel("main");
    for (int i = 0; i < 3; i++) {
      main.send("test", "slow", Map.of("job", i)).join();
    }
    assertThat(slow.started.await(5, TimeUnit.SECONDS)).isTrue();

    context.close();

    // The spore in hand was finished, not cut short; the two not started stayed queued for the agent.
    assertThat(slow.finished).hasValue(1);
    assertThat(reef.isClosed()).isTrue();
    try (Reef later = Reef.builder().uri("memory://" + brokerName).namespace("lifecycle").build()) {
      assertThat(later.channel("main").backlog("slow")).isEqualTo(2);
    }
  }

  @Test
  void healthIsDownWhileTheBrokerIsUnreachable() {
    try (ConfigurableApplicationContext context = start()) {
      HealthEndpoint health = context.getBean(HealthEndpoint.class);
      assertThat(health.healthForPath("reef").getStatus()).isEqualTo(Status.UP);

      InMemoryBroker.shared(brokerName).close(); // the broker is gone; the application is still running

      assertThat(context.getBean(Reef.class).isConnected()).isFalse();
      assertThat(health.healthForPath("reef").getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }
  }

  @Test
  void theDrainTimeoutBoundsTheWait() throws InterruptedException {
    ConfigurableApplicationContext context = start("reef.drain-timeout=200ms", "test.slow.work=60s");
    Reef reef = context.getBean(Reef.class);
    Slow slow = context.getBean(Slow.class);
    reef.channel("main").send("test", "slow", Map.of("job", 1)).join();
    assertThat(slow.started.await(5, TimeUnit.SECONDS)).isTrue();

    long begun = System.nanoTime();
    context.close();

    // A handler that would work for a minute does not hold the shutdown: closing gives up after the drain timeout.
    assertThat(Duration.ofNanos(System.nanoTime() - begun)).isLessThan(Duration.ofSeconds(20));
    assertThat(slow.finished).hasValue(0);
    assertThat(reef.isClosed()).isTrue();
  }
}
