package dev.reef.agent;

import dev.reef.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One running instance of an agent: one {@link Subscription} per channel of the agent, started
 * and stopped together by {@link AgentRuntime}.
 */
public final class RunningInstance {
  private final String agentName;
  private final List<Subscription> subscriptions;

  RunningInstance(String agentName, List<Subscription> subscriptions) {
    this.agentName = agentName;
    this.subscriptions = List.copyOf(subscriptions);
  }

  /** The agent this is an instance of. */
  public String agentName() {
    return agentName;
  }

  /** The instance's subscriptions, one per channel of the agent, in the agent's channel order. */
  public List<Subscription> subscriptions() {
    return subscriptions;
  }

  /** True until stopped. */
  public boolean isActive() {
    return subscriptions.stream().allMatch(Subscription::isActive);
  }

  /**
   * Stops taking spores on every channel, lets unfinished handlers finish (each subscription up to
   * the Reef's drain timeout) and acknowledges them. Idempotent.
   */
  public void stop() {
    closeAll(subscription -> subscription.close());
  }

  /** As {@link #stop()}, waiting at most {@code drainTimeout} in all. */
  public void stop(Duration drainTimeout) {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    closeAll(subscription -> subscription.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
  }

  /** Closes every subscription even when one fails (e.g. the authorizer refuses), then reports the failures. */
  private void closeAll(Consumer<Subscription> close) {
    Failures.runAll(subscriptions, close);
  }

  @Override
  public String toString() {
    return "RunningInstance[" + agentName + " "
        + subscriptions.stream().map(s -> s.channel() + ":" + s.instanceId()).toList() + "]";
  }
}
