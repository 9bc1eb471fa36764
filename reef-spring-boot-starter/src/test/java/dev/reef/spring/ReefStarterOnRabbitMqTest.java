package dev.reef.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.spring.TestAgents.Result;
import dev.reef.spring.TestAgents.Slow;
import dev.reef.spring.TestAgents.Sum;
import dev.reef.test.TestBrokers;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter on RabbitMQ (the broker reef-test finds: REEF_AMQP_URI, localhost:5672 or a
 * container), through a proxy that can make the broker unreachable; each test in its own namespace,
 * deleted afterwards.
 */
class ReefStarterOnRabbitMqTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final String namespace = "starter-" + UUID.randomUUID().toString().substring(0, 8);
  private final URI broker = URI.create(TestBrokers.amqpUri());
  private BrokerProxy proxy;

  @BeforeEach
  void startProxy() throws Exception {
    proxy = new BrokerProxy(broker);
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    proxy.close();
    try (Reef cleaner = Reef.builder().uri(broker.toString()).namespace(namespace).build()) {
      cleaner.admin().delete();
    }
  }

  private ConfigurableApplicationContext start(String... properties) {
    return new SpringApplicationBuilder(TestAgents.class).web(WebApplicationType.NONE)
        .properties("reef.uri=" + proxy.uri(broker), "reef.namespace=" + namespace, "reef.drain-timeout=10s")
        .properties(properties)
        .run();
  }

  @Test
  void agentsFromBeansAnswerAndDrainOnClose() throws InterruptedException {
    ConfigurableApplicationContext context = start();
    Reef reef = context.getBean(Reef.class);
    Slow slow = context.getBean(Slow.class);

    Result sum = reef.channel("main").request("test", "calculator", new Sum(20, 22), Result.class, WAIT).join();
    assertThat(sum).isEqualTo(new Result(42));

    for (int i = 0; i < 3; i++) {
      reef.channel("main").send("test", "slow", Map.of("job", i)).join();
    }
    assertThat(slow.started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    context.close();

    // The job in hand was finished and acknowledged; the two not started wait in the agent's queue.
    assertThat(slow.finished).hasValue(1);
    try (Reef later = Reef.builder().uri(broker.toString()).namespace(namespace).build()) {
      await().atMost(WAIT).until(() -> later.channel("main").backlog("slow") == 2);
    }
  }

  @Test
  void healthIsDownWhileTheBrokerIsUnreachable() {
    try (ConfigurableApplicationContext context = start()) {
      HealthEndpoint health = context.getBean(HealthEndpoint.class);
      assertThat(health.healthForPath("reef").getStatus()).isEqualTo(Status.UP);

      proxy.down();
      await().atMost(WAIT).until(() -> Status.DOWN.equals(health.healthForPath("reef").getStatus()));
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

      proxy.up(); // the backend reconnects by itself
      await().atMost(WAIT).until(() -> Status.UP.equals(health.healthForPath("reef").getStatus()));
    }
  }
}
