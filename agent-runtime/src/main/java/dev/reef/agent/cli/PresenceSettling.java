package dev.reef.agent.cli;

import dev.reef.agent.launch.ReefConnection;
import dev.reef.amqp.AgentPresence;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Waits for a new connection to hear who is online. On connecting, presence says hello and every
 * running process answers at once with its agents; once no new answer came for {@link #QUIET}, the
 * picture is complete (a process that does not answer within {@code limit} is not running, or is
 * stopped).
 */
final class PresenceSettling {
  static final Duration QUIET = Duration.ofMillis(400);
  private static final long POLL_MILLIS = 25;

  private PresenceSettling() {}

  /** Returns once presence has been quiet for {@link #QUIET}, or {@code limit} passed; no-op off AMQP. */
  static void await(ReefConnection connection, Duration limit) throws InterruptedException {
    if (!connection.isAmqp()) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    Set<String> known = instances(connection);
    long changedAt = start;
    while (System.nanoTime() < deadline && System.nanoTime() - changedAt < QUIET.toNanos()) {
      Thread.sleep(POLL_MILLIS);
      Set<String> now = instances(connection);
      if (!now.equals(known)) {
        known = now;
        changedAt = System.nanoTime();
      }
    }
  }

  private static Set<String> instances(ReefConnection connection) {
    Set<String> instances = new TreeSet<>();
    for (AgentPresence presence : connection.presence()) {
      instances.add(presence.instanceId() + "@" + presence.channel());
    }
    return instances;
  }
}
