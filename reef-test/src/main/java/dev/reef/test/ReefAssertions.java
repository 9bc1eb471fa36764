package dev.reef.test;

import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.ReefStats;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Assertions on a whole {@link Reef}; each failure says what it found. */
public final class ReefAssertions {
  private ReefAssertions() {}

  /**
   * Checks that the Reef's namespace has no dead letters. Call it once the Reef is quiescent (see
   * {@link #assertQuiescent}): a spore still being retried is not dead yet.
   *
   * @throws AssertionError listing every dead letter: agent, attempts, error and spore
   */
  public static void assertNoDeadLetters(Reef reef) {
    Objects.requireNonNull(reef, "reef");
    List<DeadLetter> letters = reef.deadLetters().list();
    if (letters.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder("expected no dead letters in namespace '" + reef.namespace() + "', found "
        + letters.size() + ":");
    for (DeadLetter letter : letters) {
      text.append("\n  - agent ").append(letter.agent()).append(" on channel ").append(letter.channel())
          .append(", ").append(letter.attempts()).append(" attempt(s), error: ").append(letter.error())
          .append("\n    ").append(letter.spore().map(SporeRecorder::describe)
              .orElseGet(() -> "undecodable: " + letter.rawPayload().orElse("(no payload)")));
    }
    throw new AssertionError(text.toString());
  }

  /**
   * Waits up to {@code timeout} until no spore is queued for, or held by, the Reef's agents and no
   * retry is pending ({@link Reef#awaitQuiescence}).
   *
   * @throws AssertionError when it is still busy then, with its counters
   */
  public static void assertQuiescent(Reef reef, Duration timeout) {
    Objects.requireNonNull(reef, "reef");
    Objects.requireNonNull(timeout, "timeout");
    if (!reef.awaitQuiescence(timeout)) {
      ReefStats stats = reef.stats();
      throw new AssertionError("expected the Reef of namespace '" + reef.namespace() + "' to be quiescent within "
          + timeout + ", it was not: " + stats.inFlight() + " spore(s) in flight; sent " + stats.sent() + ", received "
          + stats.received() + ", handled " + stats.handled() + ", failed " + stats.failed() + ", retried "
          + stats.retried() + ", dead-lettered " + stats.deadLettered());
    }
  }

  /** {@link #assertQuiescent} within {@code timeout}, then {@link #assertNoDeadLetters}: a clean finish. */
  public static void assertSettledCleanly(Reef reef, Duration timeout) {
    assertQuiescent(reef, timeout);
    assertNoDeadLetters(reef);
  }
}
