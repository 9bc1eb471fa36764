package dev.reef.agent;

import dev.reef.HandlerContext;
import dev.reef.Reef;
import dev.reef.SporeHandler;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link SporeHandler} an agent subscribes with on one channel: picks the route for each
 * spore by its knowledge's {@code type}, and acknowledges and counts the spores no route takes.
 */
final class Router implements SporeHandler {
  static final String UNMATCHED = "reef.spores.unmatched";

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  private final String agent;
  private final String channel;
  private final Map<String, List<AgentSpec.Route>> typed = new HashMap<>();
  private final List<AgentSpec.Route> catchAll = new ArrayList<>();
  private final Counter unmatched;

  Router(Reef reef, AgentSpec spec, String channel) {
    this.agent = spec.name();
    this.channel = channel;
    for (AgentSpec.Route route : spec.routes()) {
      if (route.isCatchAll()) {
        catchAll.add(route);
      }
      for (String type : route.respondsTo()) {
        typed.computeIfAbsent(type, key -> new ArrayList<>()).add(route);
      }
    }
    this.unmatched = unmatchedCounter(reef, channel, agent);
  }

  static Counter unmatchedCounter(Reef reef, String channel, String agent) {
    return Counter.builder(UNMATCHED)
        .description("Spores acknowledged without a handler: no handler of the agent responds to their knowledge type")
        .tag("channel", channel)
        .tag("agent", agent)
        .register(reef.meterRegistry());
  }

  @Override
  public Object handle(Spore spore, HandlerContext context) throws Exception {
    String knowledgeType = knowledgeType(spore);
    AgentSpec.Route route = select(knowledgeType, spore);
    if (route == null) {
      unmatched.increment();
      String described = knowledgeType == null ? "no knowledge type" : "knowledge type '" + knowledgeType + "'";
      LOG.debug("agent '{}' on channel '{}' has no handler for {} spore {} with {}; acknowledged",
          agent, channel, spore.type().wireValue(), spore.id(), described);
      if (spore.type() == SporeType.REQUEST) {
        // The caller hears at once that no one here takes such a request, rather than waiting for its timeout.
        context.replyError(new UnsupportedOperationException(
            "agent '" + agent + "' has no handler for a request with " + described));
      }
      return null;
    }
    return route.handler().handle(spore, context);
  }

  private AgentSpec.Route select(String knowledgeType, Spore spore) {
    if (knowledgeType != null) {
      AgentSpec.Route route = firstTaking(typed.getOrDefault(knowledgeType, List.of()), spore);
      if (route != null) {
        return route;
      }
    }
    return firstTaking(catchAll, spore);
  }

  private static AgentSpec.Route firstTaking(List<AgentSpec.Route> routes, Spore spore) {
    for (AgentSpec.Route route : routes) {
      if (route.takes(spore.type())) {
        return route; // AgentSpec guarantees no other route takes this spore too
      }
    }
    return null;
  }

  /** The knowledge's {@code type} field when it is a string, else null. */
  static String knowledgeType(Spore spore) {
    return spore.knowledge() == null ? null : spore.knowledge().getString("type");
  }
}
