package dev.reef.tools.http;

import dev.reef.Reef;
import dev.reef.UnknownDestinationException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog of each agent of the namespace (spores waiting in its queues, whoever consumes them),
 * read through {@link dev.reef.Channel#backlog}. Reading may be a broker round trip per queue, so it
 * runs on a worker at most every {@value #REFRESH_MILLIS} ms; the dashboard shows the latest reading.
 */
final class BacklogWatch {
  static final long REFRESH_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(BacklogWatch.class);

  private final Reef reef;
  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile Map<String, Long> backlogs = Map.of();
  private volatile String error;
  private long lastReadNanos; // only the dashboard's timer thread touches it
  private int failures;

  BacklogWatch(Reef reef) {
    this.reef = reef;
  }

  /** True, and the reading claimed, when one is due; the caller must then call {@link #read}. */
  boolean claim(long nowNanos) {
    if (nowNanos - lastReadNanos < REFRESH_MILLIS * 1_000_000L || !reading.compareAndSet(false, true)) {
      return false;
    }
    lastReadNanos = nowNanos;
    return true;
  }

  /** Reads the backlog of each agent on its channels (blocking); ends the claim. */
  void read(Map<String, Set<String>> channelsOfAgents) {
    try {
      Map<String, Long> read = new HashMap<>();
      channelsOfAgents.forEach((agent, channels) -> {
        long total = 0;
        for (String channel : channels) {
          try {
            total += reef.channel(channel).backlog(agent);
          } catch (UnknownDestinationException e) {
            // no queue on this channel: nothing waits there
          }
        }
        read.put(agent, total);
      });
      backlogs = Map.copyOf(read);
      error = null;
    } catch (RuntimeException e) {
      error = "could not read the backlogs: " + e.getMessage();
      if (failures++ % 30 == 0) { // once a minute at most while it keeps failing
        LOG.warn("the dashboard {} ({} time(s))", error, failures);
      }
    } finally {
      reading.set(false);
    }
  }

  /** The latest backlog of {@code agent}, or null when never read. */
  Long backlog(String agent) {
    return backlogs.get(agent);
  }

  /** Why the latest reading failed, or null. */
  String error() {
    return error;
  }
}
