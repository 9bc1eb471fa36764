package dev.reef.test;

import dev.reef.Channel;
import dev.reef.Observation;
import dev.reef.Subscription;
import dev.reef.spore.Spore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records spores and awaits them by predicate, with a deadline. A failed expectation throws an
 * {@link AssertionError} that lists what was recorded, so that the test report shows what did
 * happen. Thread-safe; close it to stop recording (closing the Reef stops it too).
 *
 * <pre>{@code
 * try (SporeRecorder lab = SporeRecorder.observe(reef.channel("lab"))) {
 *   reef.channel("lab").send("me", "researcher", Map.of("type", "topic", "topic", "coral"));
 *   lab.await(SporeMatch.knowledgeType("finding"), 3, Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class SporeRecorder implements AutoCloseable {
  /** How many recorded spores a failure message lists at most (the latest ones). */
  static final int LISTED = 50;
  private static final int KNOWLEDGE_SHOWN = 200;

  private final String source;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition recorded = lock.newCondition();
  private final List<Spore> spores = new ArrayList<>(); // guarded by lock
  private AutoCloseable stop; // set once, right after construction

  private SporeRecorder(String source) {
    this.source = source;
  }

  /**
   * Records every spore published on {@code channel} from now on, without taking any from an agent
   * (see {@link Channel#observe}). Replies travel straight to their requester and are not seen.
   */
  public static SporeRecorder observe(Channel channel) {
    Objects.requireNonNull(channel, "channel");
    SporeRecorder recorder = new SporeRecorder("observed on channel '" + channel.name() + "'");
    Observation observation = channel.observe((name, spore) -> recorder.record(spore));
    recorder.stop = observation::close;
    return recorder;
  }

  /**
   * Runs an agent called {@code agentName} on {@code channel} that records every spore it is given:
   * those sent to it, and broadcasts. It answers a request with a reply without knowledge.
   */
  public static SporeRecorder asAgent(Channel channel, String agentName) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(agentName, "agentName");
    SporeRecorder recorder = new SporeRecorder("received by agent '" + agentName + "' on channel '" + channel.name() + "'");
    Subscription subscription = channel.subscribe(agentName, (spore, context) -> {
      recorder.record(spore);
      return null;
    });
    recorder.stop = subscription::close;
    return recorder;
  }

  private void record(Spore spore) {
    lock.lock();
    try {
      spores.add(spore);
      recorded.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Every spore recorded so far, in the order they came. */
  public List<Spore> spores() {
    lock.lock();
    try {
      return List.copyOf(spores);
    } finally {
      lock.unlock();
    }
  }

  /** The spores recorded so far that {@code match}. */
  public List<Spore> spores(SporeMatch match) {
    Objects.requireNonNull(match, "match");
    return spores().stream().filter(match).toList();
  }

  /**
   * The first spore, recorded already or within {@code timeout}, that {@code match}es.
   *
   * @throws AssertionError when none came in time, listing what was recorded
   */
  public Spore await(SporeMatch match, Duration timeout) {
    return await(match, 1, timeout).get(0);
  }

  /**
   * The first {@code count} spores, recorded already or within {@code timeout}, that {@code match}.
   *
   * @throws AssertionError when fewer came in time, listing what was recorded
   */
  public List<Spore> await(SporeMatch match, int count, Duration timeout) {
    Objects.requireNonNull(match, "match");
    requirePositive(timeout);
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        List<Spore> matching = spores.stream().filter(match).limit(count).toList();
        long left = deadline - System.nanoTime();
        if (matching.size() == count) {
          return matching;
        }
        if (left <= 0) {
          throw new AssertionError("expected " + count + " spore(s) matching " + match.description() + " within "
              + timeout + ", " + source + "; got " + matching.size() + ".\n" + describeRecorded());
        }
        recorded.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while awaiting spores matching " + match.description(), e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits {@code during} and checks that no spore matching {@code match} was recorded (before or
   * meanwhile): for what must not happen.
   *
   * @throws AssertionError at the first such spore, listing what was recorded
   */
  public void assertNone(SporeMatch match, Duration during) {
    Objects.requireNonNull(match, "match");
    requirePositive(during);
    long deadline = System.nanoTime() + during.toNanos();
    lock.lock();
    try {
      while (true) {
        if (spores.stream().anyMatch(match)) {
          throw new AssertionError("expected no spore matching " + match.description() + ", " + source
              + "; got one.\n" + describeRecorded());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        recorded.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while checking that no spore matches " + match.description(), e);
    } finally {
      lock.unlock();
    }
  }

  /** Stops recording; what was recorded stays readable. Idempotent. */
  @Override
  public void close() {
    try {
      stop.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the recorder " + source + ": " + e.getMessage(), e);
    }
  }

  /** What was recorded, one line per spore (the latest {@value #LISTED}), for failure messages. */
  public String describeRecorded() {
    List<Spore> all = spores();
    if (all.isEmpty()) {
      return "Nothing was recorded " + source + ".";
    }
    StringBuilder text = new StringBuilder("Recorded " + all.size() + " spore(s) " + source + ":");
    int first = Math.max(0, all.size() - LISTED);
    if (first > 0) {
      text.append("\n  (the first ").append(first).append(" left out)");
    }
    for (int i = first; i < all.size(); i++) {
      text.append("\n  ").append(i + 1).append(". ").append(describe(all.get(i)));
    }
    return text.toString();
  }

  /** One spore in one line: type, sender, recipient, knowledge (cut), ids. */
  static String describe(Spore spore) {
    String knowledge = spore.knowledge() == null ? "null" : spore.knowledge().toJson();
    if (knowledge.length() > KNOWLEDGE_SHOWN) {
      knowledge = knowledge.substring(0, KNOWLEDGE_SHOWN) + "...";
    }
    return spore.type().wireValue() + " " + spore.fromAgent() + " -> "
        + (spore.toAgent() == null ? "(all)" : spore.toAgent()) + " " + knowledge + "  [id " + spore.id()
        + (spore.replyTo() == null ? "" : ", reply to " + spore.replyTo())
        + (spore.causedBy() == null ? "" : ", caused by " + spore.causedBy()) + "]";
  }

  private static void requirePositive(Duration duration) {
    Objects.requireNonNull(duration, "timeout");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive, got " + duration);
    }
  }

  @Override
  public String toString() {
    return "SporeRecorder[" + source + "]";
  }
}
