package dev.reef.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

@ReefTest
class ReefExtensionTest {
  record Said(String say) {}

  private static final List<Reef> SEEN = new CopyOnWriteArrayList<>();
  private Reef fromBeforeEach;

  @BeforeEach
  void setUp(Reef reef) {
    fromBeforeEach = reef;
  }

  @RepeatedTest(3)
  void eachTestHasItsOwnOpenReef(Reef reef, ReefTestContext context) {
    assertThat(reef).isSameAs(fromBeforeEach).isSameAs(context.reef());
    assertThat(reef.isClosed()).isFalse();
    assertThat(context.backend()).isEqualTo(TestBackend.IN_MEMORY);
    assertThat(reef.namespace()).isEqualTo(context.namespace()).matches("test-[0-9a-f]{12}");
    assertThat(context.amqpUri()).isEmpty();
    SEEN.add(reef);
  }

  @Test
  void agentsAnswerOnTheTestsReef(Reef reef) {
    reef.channel("main").subscribe("echo", (spore, ctx) -> spore.knowledge());

    Said reply = reef.channel("main").request("test", "echo", new Said("hi"), Said.class, Duration.ofSeconds(5)).join();

    assertThat(reply).isEqualTo(new Said("hi"));
    SEEN.add(reef);
  }

  @Test
  void anotherConnectionReachesTheSameNamespace(Reef reef, ReefTestContext context) {
    reef.channel("main").subscribe("echo", (spore, ctx) -> spore.knowledge());
    Reef other = context.connect();

    assertThat(other).isNotSameAs(reef);
    assertThat(other.namespace()).isEqualTo(reef.namespace());
    Said reply = other.channel("main").request("test", "echo", new Said("hello"), Said.class, Duration.ofSeconds(5))
        .join();
    assertThat(reply.say()).isEqualTo("hello");
    SEEN.add(reef);
    SEEN.add(other);
  }

  @AfterAll
  static void everyReefWasFreshAndIsClosed() {
    assertThat(SEEN).hasSize(6);
    assertThat(SEEN).allSatisfy(reef -> assertThat(reef.isClosed()).as(reef.namespace()).isTrue());
    // The two connections of the last test share their namespace; every test had its own.
    assertThat(SEEN.stream().map(Reef::namespace).distinct()).hasSize(5);
  }
}
