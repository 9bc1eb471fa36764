package dev.reef.amqp.faults;

import static dev.reef.amqp.faults.FaultEvents.failureKinds;
import static dev.reef.amqp.faults.FaultEvents.minus;
import static dev.reef.amqp.faults.FaultEvents.numbers;
import static dev.reef.amqp.faults.FaultEvents.seconds;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 6, acceptance 1 (SPEC §3.10, §3.11, §5): the private node is stopped and started again in
 * the middle of 100,000 spores from two sender JVMs to a receiver JVM. The senders pipeline their
 * sends (a window of unfinished sends, no rate limit), so the stream is fast; while the broker is
 * away their windows fill with parked publishes and they wait.
 *
 * <ul>
 *   <li>The <em>patient</em> sender's confirm timeout outlasts the restart: what the broker had not
 *       confirmed is re-sent after recovery, so none of its sends fails, and the copies of those the
 *       broker had after all are duplicates the receiver suppresses.
 *   <li>The <em>impatient</em> sender's confirm timeout is shorter than the restart: its unconfirmed
 *       sends fail their futures (the broker may or may not have them), and the room they free lets
 *       it go on.
 * </ul>
 *
 * <p>For both: every send completes or fails; every completed send is handled; nothing else but a
 * failed send is handled; no spore is handled twice; and all three JVMs carry on by themselves.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BrokerRestartMidStreamTest {
  private static final int SPORES_PER_SENDER = 50_000;
  /** Unfinished sends each sender keeps in flight: enough to keep the broker busy, few enough to re-send. */
  private static final int WINDOW = 500;
  private static final int RESTART_AFTER_CONFIRMED = 25_000; // of both senders together
  private static final Duration PATIENT = Duration.ofSeconds(60);
  /** Shorter than a node takes to stop and boot (several seconds). */
  private static final Duration IMPATIENT = Duration.ofSeconds(3);
  private static final Duration WAIT = Duration.ofSeconds(60);

  @RegisterExtension
  final PrivateNodeAndJvms stage = new PrivateNodeAndJvms("reef-restart");

  @Test
  void aBrokerRestartMidStreamLosesNoConfirmedSporeAndHandlesNoneTwice() {
    AgentJvm receiver = launch(AgentJvm.builder("receiver").agent("sink", 1).concurrency(2).prefetch(200), PATIENT);
    AgentJvm patient = launch(AgentJvm.builder("patient"), PATIENT);
    AgentJvm impatient = launch(AgentJvm.builder("impatient"), IMPATIENT);
    receiver.awaitReady(WAIT);
    patient.awaitReady(WAIT);
    impatient.awaitReady(WAIT);

    long start = System.nanoTime();
    for (AgentJvm sender : List.of(patient, impatient)) {
      sender.command("send", sender.label(), "source", "sink", Integer.toString(SPORES_PER_SENDER), "0",
          Integer.toString(WINDOW));
    }
    await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> patient.count("SENT", "patient") + impatient.count("SENT", "impatient") >= RESTART_AFTER_CONFIRMED);
    long stopping = System.nanoTime();
    stage.node().stop();
    long patientWhileUp = patient.count("SENT", "patient");
    long impatientWhileUp = impatient.count("SENT", "impatient");
    long confirmedWhileUp = patientWhileUp + impatientWhileUp;
    long handledWhileUp = receiver.count("HANDLED", "patient") + receiver.count("HANDLED", "impatient");
    stage.node().restart();
    long restarted = System.nanoTime();
    boolean streamsStillFlowing = patient.count("SENDS_DONE", "patient") + impatient.count("SENDS_DONE", "impatient") == 0;

    Outcome patientSends = awaitEverySendToEnd(patient, PATIENT);
    Outcome impatientSends = awaitEverySendToEnd(impatient, IMPATIENT);
    long sendsEnded = System.nanoTime();
    long confirmed = patientSends.confirmed().size() + impatientSends.confirmed().size();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
        .failFast("the receiver JVM died", () -> !receiver.isAlive())
        .until(() -> receiver.count("HANDLED", "patient") + receiver.count("HANDLED", "impatient") >= confirmed
            && patientSends.unhandled(receiver).isEmpty() && impatientSends.unhandled(receiver).isEmpty());
    assertThat(receiver.quiesce("quiet", Duration.ofSeconds(30))).as("receiver quiet").isTrue();
    long handledAll = System.nanoTime();
    Map<String, Long> stats = receiver.stats("stats", WAIT);

    System.out.printf("broker restart mid-stream: %d spores from 2 senders, window %d each; stopped after %d "
            + "confirmed and %d handled (%.1f s into the stream), down and up again in %.1f s%n"
            + "  %s%n  %s%n  all sends ended after %.1f s, all handled after %.1f s (%.0f spores/s end to end); "
            + "duplicates suppressed %d; receiver stats %s%n",
        2 * SPORES_PER_SENDER, WINDOW, confirmedWhileUp, handledWhileUp, seconds(stopping - start),
        seconds(restarted - stopping), patientSends.describe(receiver), impatientSends.describe(receiver),
        seconds(sendsEnded - start), seconds(handledAll - start), 2 * SPORES_PER_SENDER / seconds(handledAll - start),
        stats.get("duplicates"), stats);

    assertThat(streamsStillFlowing).as("the streams were still flowing when the node came back").isTrue();
    patientSends.assertInvariants(receiver, patientWhileUp);
    impatientSends.assertInvariants(receiver, impatientWhileUp);
    assertThat(patientSends.failed()).as("a sender whose confirm timeout outlasts the restart loses no send: "
        + "what the broker had not confirmed was re-sent").isEmpty();
    assertThat(impatientSends.failed()).as("sends unconfirmed for longer than the confirm timeout failed their futures")
        .isNotEmpty();
    long runs = receiver.count("HANDLED", "patient") + receiver.count("HANDLED", "impatient");
    assertThat(runs).as("the receiver resumed by itself").isGreaterThan(handledWhileUp);
    assertThat(stats.get("handled")).as("the receiver's own count of handled spores").isEqualTo(runs);
  }

  /** How the sends of one sender JVM (its batch is its label) ended. */
  private record Outcome(String batch, AgentEvent done, Set<Integer> confirmed, List<AgentEvent> failures) {
    Set<Integer> failed() {
      return numbers(failures, 1);
    }

    /** HANDLED batch agent instanceId type n sporeId */
    List<AgentEvent> runs(AgentJvm receiver) {
      return receiver.events("HANDLED", batch);
    }

    Set<Integer> unhandled(AgentJvm receiver) {
      return minus(confirmed, numbers(runs(receiver), 4));
    }

    String describe(AgentJvm receiver) {
      Set<Integer> handled = numbers(runs(receiver), 4);
      Set<Integer> handledButFailed = new HashSet<>(handled);
      handledButFailed.retainAll(failed());
      return String.format("%s sender: sent ok %d, send failures %d %s; handled %d (%d handler runs), of which %d "
          + "were failed sends", batch, confirmed.size(), failures.size(), failureKinds(failures), handled.size(),
          runs(receiver).size(), handledButFailed.size());
    }

    void assertInvariants(AgentJvm receiver, long confirmedBeforeTheStop) {
      Set<Integer> failed = failed();
      List<AgentEvent> runs = runs(receiver);
      Set<Integer> handled = numbers(runs, 4);
      assertThat(done.fields()).as(batch + ": SENDS_DONE batch ok failed")
          .containsExactly(batch, Integer.toString(confirmed.size()), Integer.toString(failed.size()));
      assertThat(confirmed.size() + failed.size()).as(batch + ": sends that completed or failed, each once")
          .isEqualTo(SPORES_PER_SENDER);
      assertThat((long) confirmed.size()).as(batch + ": the sender resumed by itself; more sends completed than it "
          + "had confirmed or in flight when the node stopped").isGreaterThan(confirmedBeforeTheStop + WINDOW);
      assertThat(minus(confirmed, handled)).as(batch + ": completed sends that were not handled").isEmpty();
      assertThat(minus(minus(handled, failed), confirmed)).as(batch + ": handled spores that were never sent")
          .isEmpty();
      assertThat(runs).as(batch + ": handler runs; duplicates are suppressed, no spore is handled twice")
          .hasSameSizeAs(handled);
    }
  }

  private static Outcome awaitEverySendToEnd(AgentJvm sender, Duration confirmTimeout) {
    String batch = sender.label();
    Duration bound = confirmTimeout.plus(WAIT);
    AgentEvent done;
    try {
      done = sender.await("SENDS_DONE", batch, bound);
    } catch (AssertionError e) {
      long ended = sender.count("SENT", batch) + sender.count("SEND_FAILED", batch);
      throw new AssertionError((SPORES_PER_SENDER - ended) + " of " + SPORES_PER_SENDER + " sends of " + batch
          + " neither completed nor failed within " + bound + ": " + e.getMessage(), e);
    }
    // SENT batch n sporeId / SEND_FAILED batch n sporeId errorClass
    return new Outcome(batch, done, numbers(sender.events("SENT", batch), 1), sender.events("SEND_FAILED", batch));
  }

  private AgentJvm launch(AgentJvm.Builder builder, Duration confirmTimeout) {
    // No queue limit: 100,000 spores may outrun the receiver by more than the default 10,000, and a full
    // queue is not what this test is about.
    String uri = stage.node().amqpUri() + "?max_queue_length=0&recovery_interval_ms=250&confirm_timeout_ms=" + confirmTimeout.toMillis();
    return stage.launch(builder.brokerUri(uri).namespace("faults").channel("stream"));
  }
}
