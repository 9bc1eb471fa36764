package dev.reef.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.Reef;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code @ReefTest(backend = AMQP)}: a Reef on the broker TestBrokers finds, its namespace deleted after each test. */
@ReefTest(backend = TestBackend.AMQP)
class AmqpReefTestTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> QUEUES = new CopyOnWriteArrayList<>();

  record Said(String say) {}

  @Test
  void theTestsReefIsOnTheBroker(Reef reef, ReefTestContext context) {
    reef.channel("main").subscribe("echo", (spore, ctx) -> spore.knowledge());

    Said reply = reef.channel("main").request("test", "echo", new Said("hi"), Said.class, WAIT).join();

    assertThat(reply).isEqualTo(new Said("hi"));
    assertThat(context.backend()).isEqualTo(TestBackend.AMQP);
    assertThat(context.amqpUri()).contains(TestBrokers.amqpUri());
    assertThat(reef.admin().objects()).anySatisfy(name -> assertThat(name).startsWith(context.namespace() + "."));
    QUEUES.add(context.namespace() + ".main.echo");
  }

  @Test
  void anotherConnectionIsAnotherProcessOnTheSameBroker(Reef reef, ReefTestContext context) {
    reef.channel("main").subscribe("echo", (spore, ctx) -> spore.knowledge());
    Reef other = context.connect();

    Said reply = other.channel("main").request("test", "echo", new Said("across"), Said.class, WAIT).join();

    assertThat(reply.say()).isEqualTo("across");
    await().atMost(WAIT).until(() -> other.directory().onlineAgents("main").contains("echo"));
    QUEUES.add(context.namespace() + ".main.echo");
  }

  @Test
  @ReefTest(backend = TestBackend.IN_MEMORY)
  void aMethodMayAskForAnotherBackend(ReefTestContext context) {
    assertThat(context.backend()).isEqualTo(TestBackend.IN_MEMORY);
    assertThat(context.amqpUri()).isEmpty();
  }

  @AfterAll
  static void theNamespacesAreGoneFromTheBroker() throws Exception {
    assertThat(QUEUES).hasSize(2);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestBrokers.amqpUri());
    try (Connection connection = factory.newConnection("reef-test-check")) {
      for (String queue : QUEUES) {
        Channel channel = connection.createChannel();
        assertThatThrownBy(() -> channel.queueDeclarePassive(queue)).as(queue).isInstanceOf(IOException.class);
      }
    }
  }
}
