package dev.reef.tools.cli;

import dev.reef.AgentDirectory;
import dev.reef.AgentInfo;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Waits for a new connection's directory to hear who is running. On connecting, a Reef says hello
 * and every other Reef of the namespace answers at once with its agents; once no new instance came
 * for {@link #QUIET}, the picture is complete (a process that does not answer within {@code limit}
 * is not running, or is stopped). The same on every backend.
 */
final class DirectorySettling {
  static final Duration QUIET = Duration.ofMillis(400);
  private static final long POLL_MILLIS = 25;

  private DirectorySettling() {}

  /** Returns once the directory's listing has not changed for {@link #QUIET}, or {@code limit} passed. */
  static void await(AgentDirectory directory, Duration limit) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    Set<String> known = instances(directory);
    long changedAt = start;
    while (System.nanoTime() < deadline && System.nanoTime() - changedAt < QUIET.toNanos()) {
      Thread.sleep(POLL_MILLIS);
      Set<String> now = instances(directory);
      if (!now.equals(known)) {
        known = now;
        changedAt = System.nanoTime();
      }
    }
  }

  private static Set<String> instances(AgentDirectory directory) {
    Set<String> instances = new TreeSet<>();
    for (AgentInfo agent : directory.agents()) {
      instances.add(agent.instanceId() + "@" + agent.channel());
    }
    return instances;
  }
}
