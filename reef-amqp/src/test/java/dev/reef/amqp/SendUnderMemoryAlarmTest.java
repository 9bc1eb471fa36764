package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.amqp.faults.PrivateRabbitNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A send never holds its caller past {@code send_wait_ms}, and its future always ends, even while the
 * broker blocks publishers: a memory alarm on a private node ({@code set_vm_memory_high_watermark}),
 * which stops the broker reading the publishing connection, so that no confirm and no answer to a
 * declaration comes back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SendUnderMemoryAlarmTest {
  private static final Duration SEND_WAIT = Duration.ofSeconds(1);
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(4);
  private static final int WINDOW = 4;
  /** Slack for a loaded machine on every bound measured here. */
  private static final Duration SLACK = Duration.ofSeconds(2);

  @Test
  void sendsFailWithinTheirBoundsUnderAMemoryAlarmAndWorkAgainOnceItClears() throws Exception {
    try (PrivateRabbitNode node = PrivateRabbitNode.builder().namePrefix("reef-alarm").start()) {
      AmqpBackend backend = AmqpBackend.builder().uri(node.amqpUri()).namespace("alarm")
          .set(AmqpOption.SEND_WAIT, SEND_WAIT)
          .set(AmqpOption.CONFIRM_TIMEOUT, CONFIRM_TIMEOUT)
          .set(AmqpOption.MAX_UNCONFIRMED, WINDOW)
          .set(AmqpOption.CONNECTION_NAME, "alarmed")
          .build();
      // Presence heartbeats take places in the same window of unconfirmed publishes: with one a second, a slow
      // wait for the alarm (rabbitmqctl on a loaded machine) let them fill the window before the first send
      // below, which was then refused instead of held (fresh-clone run E). No heartbeat comes during this test.
      Reef reef = Reef.builder().backend(backend).heartbeat(Duration.ofMinutes(5)).drainTimeout(Duration.ofSeconds(2))
          .build();
      try {
        Channel main = reef.channel("main");
        main.subscribe("worker", (spore, context) -> null);
        main.send("boss", "worker", Map.of("n", 0)).get(10, TimeUnit.SECONDS);

        node.rabbitmqctl("set_vm_memory_high_watermark", "0.0000001");
        await().atMost(Duration.ofSeconds(20))
            .until(() -> node.rabbitmqctl("eval", "rabbit_alarm:get_alarms().").contains("memory"));

        // Sends on a channel in use: the first one makes the broker block the connection. Each caller is
        // back within the send's bound, whether it found room or not.
        List<CompletableFuture<Void>> held = new ArrayList<>();
        held.add(timed("a send as the alarm begins", () -> main.send("boss", "worker", Map.of("n", 1))));
        await().atMost(Duration.ofSeconds(20)).until(() -> publishingConnectionState(node).equals("blocked"));
        CompletableFuture<Void> refused = null;
        for (int i = 2; i < 2 + WINDOW + 1 && refused == null; i++) {
          int n = i;
          CompletableFuture<Void> send = timed("send " + n, () -> main.send("boss", "worker", Map.of("n", n)));
          if (send.isCompletedExceptionally()) {
            refused = send;
          } else {
            held.add(send);
          }
        }
        assertThat(refused).as("a send once " + WINDOW + " wait for their confirm").isNotNull();
        assertThat(failure(refused)).contains("still wait for the broker's confirm");

        // A channel used for the first time: its exchange cannot be declared while the broker does not
        // read; the send fails within its bound rather than hang.
        CompletableFuture<Void> fresh = timed("a send on a new channel",
            () -> reef.channel("fresh").broadcast("boss", Map.of("n", 99)));
        assertThat(failure(fresh)).contains("did not answer in time").contains("exchange alarm.fresh");

        // Every held send ends by its confirm timeout: none stays pending while the broker is blocked.
        for (CompletableFuture<Void> send : held) {
          long start = System.nanoTime();
          String outcome;
          try {
            send.get(CONFIRM_TIMEOUT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
            outcome = "confirmed";
          } catch (ExecutionException e) {
            outcome = e.getCause().getMessage();
          }
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CONFIRM_TIMEOUT.plus(SLACK));
          assertThat(outcome).as("outcome of a held send").satisfiesAnyOf(
              text -> assertThat(text).isEqualTo("confirmed"),
              text -> assertThat(text).contains("within " + CONFIRM_TIMEOUT.toMillis() + " ms"));
        }
        assertThat(held).as("sends held back while the broker blocks publishing").anySatisfy(send ->
            assertThat(send).isCompletedExceptionally());

        node.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
          try {
            main.send("boss", "worker", Map.of("n", 100)).get(5, TimeUnit.SECONDS);
            return true;
          } catch (ExecutionException e) {
            return false;
          }
        });
      } finally {
        node.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        reef.close();
      }
    }
  }

  /** Runs a send, checking that its caller is back within the send's bound. */
  private static CompletableFuture<Void> timed(String what, Supplier<CompletableFuture<Void>> send) {
    long start = System.nanoTime();
    CompletableFuture<Void> future = send.get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time the caller of " + what + " was held")
        .isLessThan(SEND_WAIT.plus(SLACK));
    return future;
  }

  /** The message of the failure {@code send} ends with, which must come within the send's bound. */
  private static String failure(CompletableFuture<Void> send) throws Exception {
    try {
      send.get(SEND_WAIT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    }
    throw new AssertionError("the send succeeded while the broker blocks publishing");
  }

  private static String publishingConnectionState(PrivateRabbitNode node) {
    // The client's connection name is among its client properties; the state is the last column.
    for (String line : node.rabbitmqctl("list_connections", "--quiet", "--no-table-headers", "client_properties",
        "state").split("\n")) {
      if (line.contains("alarmed-publish")) {
        String[] columns = line.trim().split("\\s+");
        return columns[columns.length - 1];
      }
    }
    return "absent";
  }
}
