package dev.reef.tools.http;

import dev.reef.Reef;
import dev.reef.agent.AgentSpec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters the HTTP server adds to {@code /metrics} for the runtime's agents registered when it starts
 * (SPEC §7):
 *
 * <ul>
 *   <li>{@code reef.agent.backlog} (channel, agent): spores waiting in the agent's queue, read from the
 *       backend when scraped ({@link dev.reef.Channel#backlog}); every process running the agent reports
 *       the same queue, so dashboards take the max, not the sum;
 *   <li>{@code reef.spores.undecodable} at zero for each agent and channel: a counter that only a broker
 *       can move, started at zero so that rates and alerts have a series before the first bad message.
 * </ul>
 */
final class AgentMeters {
  static final String BACKLOG = "reef.agent.backlog";
  private static final Logger LOG = LoggerFactory.getLogger(AgentMeters.class);

  private AgentMeters() {}

  static void register(Reef reef, MeterRegistry registry, Collection<AgentSpec> agents) {
    AtomicLong failures = new AtomicLong();
    for (AgentSpec agent : agents) {
      for (String channel : agent.channels()) {
        Gauge.builder(BACKLOG, () -> backlog(reef, channel, agent.name(), failures))
            .description("Spores waiting in the agent's queue on the channel, not yet handed to an instance")
            .tag("channel", channel)
            .tag("agent", agent.name())
            .strongReference(true)
            .register(registry);
        Counter.builder("reef.spores.undecodable").tag("channel", channel).tag("agent", agent.name())
            .tag("type", "unknown").register(registry);
      }
    }
  }

  private static double backlog(Reef reef, String channel, String agent, AtomicLong failures) {
    if (reef.isClosed()) {
      return Double.NaN;
    }
    try {
      return reef.channel(channel).backlog(agent);
    } catch (RuntimeException e) {
      long failed = failures.incrementAndGet();
      if (failed == 1 || failed % 100 == 0) { // bounded: a broker down for long does not flood the log
        LOG.warn("cannot read the backlog of '{}' on '{}' ({} time(s)): {}", agent, channel, failed, e.toString());
      }
      return Double.NaN;
    }
  }
}
