package dev.reef.tools.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Reef;
import dev.reef.amqp.faults.PrivateRabbitNode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16, acceptance 3 (the command's part): while a memory alarm on a private node blocks
 * publishers, {@code reef send --timeout 5s}, the distribution's own command run as a process, exits
 * 1 within 7 s and says that the broker's alarm is why, both for a plain send and with {@code
 * --wait}. Before the alarm and after it clears the same commands succeed, so the failure is the
 * alarm's. ({@code Channel.send}'s bound is {@code SendUnderMemoryAlarmTest} in reef-amqp.)
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SendUnderMemoryAlarmProcessIT {
  private static final Duration COMMAND_LIMIT = Duration.ofSeconds(7);
  /** Only for commands that should succeed: how long one may take before the test gives up on it. */
  private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

  @Test
  void sendGivesUpWithinItsTimeoutNamingTheAlarm() {
    String namespace = "cli-alarm-" + UUID.randomUUID().toString().substring(0, 8);
    try (PrivateRabbitNode node = PrivateRabbitNode.builder().namePrefix("reef-cli-alarm").start()) {
      // The agents the commands send to, so that their channel and queues exist: sends declare nothing.
      Reef agents = Reef.builder().uri(node.amqpUri()).namespace(namespace).heartbeat(Duration.ofSeconds(1))
          .drainTimeout(Duration.ofSeconds(2)).build();
      try {
        agents.channel("main").subscribe("worker", (spore, context) -> null);
        agents.channel("main").subscribe("echo", (spore, context) -> Map.of("echoed", spore.knowledge().get("n")));
        Map<String, String> environment = Map.of("REEF_AMQP_URI", node.amqpUri(), "REEF_NAMESPACE", namespace);

        Distribution.Result sendBefore = Distribution.run(environment, RUN_LIMIT, plainSend(0));
        Distribution.Result askBefore = Distribution.run(environment, RUN_LIMIT, request(0));
        System.out.println("before the alarm:\n" + sendBefore + "\n" + askBefore);
        assertThat(sendBefore.exitCode()).as(sendBefore.toString()).isZero();
        assertThat(askBefore.exitCode()).as(askBefore.toString()).isZero();
        assertThat(askBefore.out()).contains("\"echoed\"");

        node.rabbitmqctl("set_vm_memory_high_watermark", "0.0000001");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .until(() -> node.rabbitmqctl("eval", "rabbit_alarm:get_alarms().").contains("memory"));

        Timed send = timed(environment, plainSend(1));
        Timed ask = timed(environment, request(1));
        System.out.println("under the memory alarm:\n" + send + "\n" + ask);
        for (Timed command : new Timed[] {send, ask}) {
          assertThat(command.elapsed()).as("how long " + command + " ran").isLessThan(COMMAND_LIMIT);
          assertThat(command.result().exitCode()).as(command.toString()).isEqualTo(1);
          assertThat(command.result().err()).as(command.toString()).containsIgnoringCase("alarm");
        }

        node.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .until(() -> !node.rabbitmqctl("eval", "rabbit_alarm:get_alarms().").contains("memory"));
        Distribution.Result sendAfter = Distribution.run(environment, RUN_LIMIT, plainSend(2));
        Distribution.Result askAfter = Distribution.run(environment, RUN_LIMIT, request(2));
        System.out.println("after the alarm cleared:\n" + sendAfter + "\n" + askAfter);
        assertThat(sendAfter.exitCode()).as(sendAfter.toString()).isZero();
        assertThat(askAfter.exitCode()).as(askAfter.toString()).isZero();
      } finally {
        node.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        agents.close(Duration.ofSeconds(5));
      }
    }
  }

  private static String[] plainSend(int n) {
    return new String[] {"send", "--channel", "main", "--to", "worker", "--knowledge", "{\"n\":" + n + "}",
        "--timeout", "5s"};
  }

  private static String[] request(int n) {
    return new String[] {"send", "--wait", "--channel", "main", "--to", "echo", "--knowledge", "{\"n\":" + n + "}",
        "--timeout", "5s"};
  }

  /** A command's result and how long its process ran, start to exit (its JVM's start included). */
  private record Timed(Distribution.Result result, Duration elapsed) {
    @Override
    public String toString() {
      return result + "\n  ran " + elapsed.toMillis() + " ms";
    }
  }

  private static Timed timed(Map<String, String> environment, String... args) {
    long start = System.nanoTime();
    // The run's own limit is wider than the bound asserted, so that an overrun is measured, not cut.
    Distribution.Result result = Distribution.run(environment, RUN_LIMIT, args);
    return new Timed(result, Duration.ofNanos(System.nanoTime() - start));
  }
}
