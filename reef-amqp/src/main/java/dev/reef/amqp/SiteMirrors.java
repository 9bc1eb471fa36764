package dev.reef.amqp;

import dev.reef.spi.PresenceMessage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares here the queues of agents that run at other sites (docs/sites.md), as their presence
 * arrives through federation: {@code ns.CHANNEL.AGENT}, bound as at their own site. Spores and
 * broadcasts published here for such an agent then wait in that queue, which the federation link of
 * the agent's site drains (queue federation), and wait there while the link is cut.
 *
 * <p>Each (channel, agent) is declared once per backend, off the client's thread; a declaration
 * that fails is tried again with the next presence message (every heartbeat).
 */
final class SiteMirrors {
  private static final Logger LOG = LoggerFactory.getLogger(SiteMirrors.class);
  private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG, 6);

  private final Topology topology;
  private final Executor declaring;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();

  /** @param declaring runs the declarations (they wait for the broker), never the client's thread */
  SiteMirrors(Topology topology, Executor declaring) {
    this.topology = topology;
    this.declaring = declaring;
  }

  /** Declares the queues of the instances {@code message} announces, unless declared before. */
  void heard(PresenceMessage message) {
    for (PresenceMessage.Instance instance : message.instances()) {
      String key = instance.channel() + "." + instance.agent();
      if (!declared.add(key)) {
        continue;
      }
      try {
        declaring.execute(() -> declare(instance.channel(), instance.agent(), message.site(), key));
      } catch (RejectedExecutionException closing) {
        declared.remove(key);
      }
    }
  }

  private void declare(String channel, String agent, String site, String key) {
    try {
      String queue = topology.mirrorQueue(channel, agent);
      LOG.debug("agent '{}' on '{}' runs at site '{}': its queue {} is here too", agent, channel, site, queue);
    } catch (RuntimeException e) {
      declared.remove(key); // the next announcement tries again
      FAILURES.warn("could not declare the queue of agent '{}' on '{}' (it runs at site '{}'); spores sent here to it"
          + " fail as unknown until it is: {}", agent, channel, site, e.getMessage());
    }
  }
}
