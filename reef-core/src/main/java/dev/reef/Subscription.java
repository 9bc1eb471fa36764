package dev.reef;

import java.time.Duration;

/** One running instance of an agent on a channel, returned by {@link Channel#subscribe}. */
public interface Subscription extends AutoCloseable {

  /** The agent name. */
  String agentName();

  /** This instance's id, unique per running instance. */
  String instanceId();

  /** The channel name. */
  String channel();

  /** True until closed. */
  boolean isActive();

  /**
   * Stops taking spores, lets unfinished handlers finish (up to the Reef's drain timeout) and
   * acknowledges them; spores not started go back to the queue for other instances. Idempotent.
   */
  @Override
  void close();

  /** As {@link #close()}, waiting at most {@code drainTimeout} for unfinished handlers. */
  void close(Duration drainTimeout);
}
