package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.AgentDirectory;
import dev.reef.ScatterTarget;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scatter-gather (SPEC §3.4): one request to each agent the directory lists online on the channel
 * (or online with a capability), gathering the replies that arrive before the deadline.
 */
final class Scatter {
  private static final Logger LOG = LoggerFactory.getLogger(Scatter.class);

  private final Lifecycle lifecycle;
  private final Access access;
  private final AgentDirectory directory;
  private final RequestTracker requests;
  private final JsonMapping json;

  Scatter(Lifecycle lifecycle, Access access, AgentDirectory directory, RequestTracker requests, JsonMapping json) {
    this.lifecycle = lifecycle;
    this.access = access;
    this.directory = directory;
    this.requests = requests;
    this.json = json;
  }

  CompletableFuture<List<Spore>> scatter(
      String channel, String fromAgent, Object knowledge, ScatterTarget target, Duration deadline) {
    lifecycle.ensureOpen();
    access.check(new AccessRequest(Action.SCATTER, channel, fromAgent, null, null));
    JsonDocument question = knowledge == null ? null : json.document(knowledge);
    Set<String> agents = target.capability()
        .map(capability -> directory.onlineAgentsWithCapability(channel, capability))
        .orElseGet(() -> directory.onlineAgents(channel));
    Queue<Spore> replies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (String agent : agents) {
      if (agent.equals(fromAgent)) {
        continue;
      }
      Spore ask = Spore.builder(SporeType.REQUEST, json).from(fromAgent).to(agent).knowledge(question).build();
      calls.add(requests.request(channel, ask, deadline, null).handle((reply, error) -> {
        if (reply != null) {
          replies.add(reply);
        } else {
          LOG.debug("scatter: no answer from {}: {}", agent, error.toString());
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(done -> List.copyOf(replies));
  }
}
