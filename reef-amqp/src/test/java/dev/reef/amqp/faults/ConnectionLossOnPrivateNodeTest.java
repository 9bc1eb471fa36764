package dev.reef.amqp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.amqp.process.AgentEvent;
import dev.reef.amqp.process.AgentJvm;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC §3.10, §3.11, §5 (issue 3, acceptance 4): the broker closes every connection in the middle of
 * a stream of spores from one agent JVM to another, on a private node so that no other test is
 * disturbed. Every send completes or fails, every completed send is handled, and the duplicates that
 * re-sent publishes and redeliveries cause are suppressed and counted.
 *
 * <p>The stream has no end of its own: it is halted once sends are confirmed again after the cut, so
 * however long {@code rabbitmqctl} takes to start on a loaded machine, the cut comes mid-stream.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionLossOnPrivateNodeTest {
  private static final int SPORES_PER_SECOND = 1_500;
  private static final int CUT_AFTER_CONFIRMED = 1_000;
  /** Sends confirmed after the cut before the stream is halted: the stream flowed on after recovery. */
  private static final int CONFIRMED_AFTER_CUT = 1_000;
  /** A send the broker never confirms fails after this: no future may hang. */
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  final PrivateNodeAndJvms stage = new PrivateNodeAndJvms("reef-connection-loss");

  @Test
  void closingEveryConnectionMidStreamEndsEverySendAndLosesNoConfirmedSpore() {
    AgentJvm receiver = launch(AgentJvm.builder("receiver").agent("sink", 1).concurrency(4).prefetch(100));
    AgentJvm sender = launch(AgentJvm.builder("sender"));
    receiver.awaitReady(WAIT);
    sender.awaitReady(WAIT);

    sender.sendUntilHalted("s1", "source", "sink", SPORES_PER_SECOND, 0);
    sender.awaitCount("SENT", "s1", CUT_AFTER_CONFIRMED, WAIT);
    String closing = stage.node().rabbitmqctl("close_all_connections", "reef-connection-loss-test");
    long confirmedAtCut = sender.count("SENT", "s1");
    long handledAtCut = receiver.count("HANDLED", "s1");
    sender.awaitCount("SENT", "s1", confirmedAtCut + CONFIRMED_AFTER_CUT, WAIT);
    // The stream was still flowing at the cut: it ends here, at its halt (SENDS_HALTED), never before.
    int attempted = sender.haltSends("s1", WAIT);

    AgentEvent done = awaitEverySendToEnd(sender, attempted);
    // SENT batch n sporeId / SEND_FAILED batch n sporeId errorClass
    Set<Integer> confirmed = numbers(sender.events("SENT", "s1"), 1);
    List<AgentEvent> failures = sender.events("SEND_FAILED", "s1");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .failFast("the receiver JVM died", () -> !receiver.isAlive())
        .until(() -> numbers(receiver.events("HANDLED", "s1"), 4).containsAll(confirmed));
    assertThat(receiver.quiesce("s1-quiet", Duration.ofSeconds(20))).as("receiver quiet").isTrue();
    Map<String, Long> stats = receiver.stats("s1-stats", WAIT);
    // HANDLED batch agent instanceId type n sporeId
    List<AgentEvent> runs = receiver.events("HANDLED", "s1");
    Set<Integer> handled = numbers(runs, 4);

    System.out.printf("connection loss: %s%n  cut after %d confirmed sends and %d handled; %d spores sent in all: "
            + "%d sends ok, %d send failures %s; %d handled (%d handler runs); %d duplicates suppressed; "
            + "receiver stats %s%n",
        closing.strip().replace('\n', ' '), confirmedAtCut, handledAtCut, attempted, confirmed.size(), failures.size(),
        failures.stream().map(failure -> failure.field(3)).collect(Collectors.groupingBy(kind -> kind,
            Collectors.counting())), handled.size(), runs.size(), stats.get("duplicates"), stats);

    assertThat(closedConnections(closing)).as("connections the broker closed: two per Reef").isGreaterThanOrEqualTo(4);
    assertThat(done.fields()).containsExactly("s1", Integer.toString(confirmed.size()), Integer.toString(failures.size()));
    assertThat(confirmed.size() + failures.size()).as("sends that completed or failed").isEqualTo(attempted);
    assertThat(handled).as("every completed send is handled").containsAll(confirmed);
    assertThat(confirmed).as("most sends survive the cut").hasSizeGreaterThan(attempted / 2);
    assertThat(runs).as("handler runs: duplicates are suppressed, no spore is handled twice").hasSameSizeAs(handled);
    assertThat(stats.get("handled")).isEqualTo(handled.size());
  }

  private AgentEvent awaitEverySendToEnd(AgentJvm sender, int attempted) {
    Duration bound = CONFIRM_TIMEOUT.plus(WAIT);
    try {
      return sender.await("SENDS_DONE", "s1", bound);
    } catch (AssertionError e) {
      long ended = sender.count("SENT", "s1") + sender.count("SEND_FAILED", "s1");
      throw new AssertionError((attempted - ended) + " of " + attempted + " sends neither completed nor failed within "
          + bound + ": " + e.getMessage(), e);
    }
  }

  private AgentJvm launch(AgentJvm.Builder builder) {
    String uri = stage.node().amqpUri() + "?recovery_interval_ms=200&confirm_timeout_ms=" + CONFIRM_TIMEOUT.toMillis();
    return stage.launch(builder.brokerUri(uri).namespace("faults").channel("stream"));
  }

  private static Set<Integer> numbers(List<AgentEvent> events, int field) {
    Set<Integer> numbers = new HashSet<>();
    for (AgentEvent event : events) {
      numbers.add(Integer.parseInt(event.field(field)));
    }
    return numbers;
  }

  private static int closedConnections(String rabbitmqctlOutput) {
    Matcher closed = Pattern.compile("Closed (\\d+) connections").matcher(rabbitmqctlOutput);
    if (!closed.find()) {
      throw new AssertionError("rabbitmqctl close_all_connections said: " + rabbitmqctlOutput);
    }
    return Integer.parseInt(closed.group(1));
  }
}
