package dev.reef.agent.http;

import dev.reef.Subscription;
import dev.reef.agent.AgentRuntime;
import dev.reef.agent.AgentSpec;
import dev.reef.agent.RunningInstance;
import dev.reef.amqp.AgentPresence;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The agents of one runtime, as presence would announce them: what the dashboard shows when no
 * cross-process directory (AMQP presence) is given, e.g. on the in-memory backend.
 */
final class LocalAgents implements Supplier<List<AgentPresence>> {
  private final AgentRuntime runtime;
  private final String host = hostName();
  /** When each subscription was first seen: the runtime does not record start times. */
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

  LocalAgents(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public List<AgentPresence> get() {
    List<AgentPresence> all = new ArrayList<>();
    if (runtime.isClosed()) {
      return all;
    }
    Instant now = Instant.now();
    Set<String> current = new HashSet<>();
    for (String name : runtime.agentNames()) {
      AgentSpec spec = runtime.spec(name);
      for (RunningInstance instance : runtime.instances(name)) {
        for (Subscription subscription : instance.subscriptions()) {
          current.add(subscription.instanceId());
          Instant started = firstSeen.computeIfAbsent(subscription.instanceId(), id -> now);
          all.add(new AgentPresence(name, subscription.instanceId(), subscription.channel(),
              spec.options().capabilities(), host, started, now, subscription.isActive()));
        }
      }
    }
    firstSeen.keySet().retainAll(current);
    return all;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
