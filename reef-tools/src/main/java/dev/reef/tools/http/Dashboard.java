package dev.reef.tools.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.Reef;
import dev.reef.ReefStats;
import dev.reef.agent.AgentRuntime;
import dev.reef.spore.Timestamps;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard's data: every second a snapshot, every {@value #PUSH_MILLIS} ms the spores seen
 * since, both pushed to the open pages as server-sent events. Each figure says its scope: {@code
 * process} (this JVM's counters and latency percentiles, channel rates) or {@code namespace} (agents
 * of every process with their backlog, dead letters). Snapshots are built on one Vert.x timer;
 * anything that may block (listing dead letters, reading backlogs, starting an observation on a
 * broker) runs on a worker. Times are ISO-8601 in UTC.
 */
final class Dashboard implements AutoCloseable {
  static final long SNAPSHOT_MILLIS = 1_000;
  static final long PUSH_MILLIS = 250;
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
  private static final String HOST = hostName();

  private final Reef reef;
  private final AgentRuntime runtime;
  private final HealthCheck health;
  private final Vertx vertx;
  private final ChannelRates rates;
  private final SporeFeed feed;
  private final DeadLetterWatch deadLetters;
  private final BacklogWatch backlogs;
  private final EventStream stream;
  private final boolean showKnowledge;
  private volatile String snapshot;
  private volatile boolean closed;
  private long snapshotTimer = -1;
  private long pushTimer = -1;

  Dashboard(Reef reef, AgentRuntime runtime, HealthCheck health, Vertx vertx, boolean showKnowledge) {
    this.reef = reef;
    this.runtime = runtime;
    this.health = health;
    this.vertx = vertx;
    this.rates = new ChannelRates(reef.meterRegistry());
    this.feed = new SporeFeed(reef.meterRegistry(), showKnowledge);
    this.deadLetters = new DeadLetterWatch(reef);
    this.backlogs = new BacklogWatch(reef);
    this.showKnowledge = showKnowledge;
    this.stream = new EventStream(reef.meterRegistry());
  }

  /** Takes the first snapshot and starts the timers. */
  void start() {
    Map<String, Set<String>> channels = channelsOfAgents();
    feed.observe(reef, channels.keySet());
    if (deadLetters.claimRefresh(localDeadLetters(reef.stats()), System.nanoTime())) {
      deadLetters.refresh();
    }
    snapshot = buildSnapshot(channels);
    synchronized (this) {
      if (!closed) {
        snapshotTimer = vertx.setPeriodic(SNAPSHOT_MILLIS, id -> tick());
        pushTimer = vertx.setPeriodic(PUSH_MILLIS, id -> push());
      }
    }
  }

  /** Lists the dead letters again (blocking), after the dashboard replayed or purged some. */
  void deadLettersChanged() {
    deadLetters.forceRefresh();
  }

  /** The latest snapshot as JSON. */
  String snapshotJson() {
    return snapshot;
  }

  /** Opens an event stream: the latest snapshot and recent spores first, then live events. */
  void subscribe(HttpServerResponse response) {
    stream.open(response, EventStream.event("snapshot", snapshot) + spores(feed.recent(), 0));
  }

  private void tick() {
    if (closed) {
      return;
    }
    try {
      Map<String, Set<String>> channels = channelsOfAgents();
      ReefStats stats = reef.stats();
      long now = System.nanoTime();
      long localDeadLetters = localDeadLetters(stats);
      if (!reef.isClosed() && deadLetters.claimRefresh(localDeadLetters, now)) {
        vertx.executeBlocking(() -> {
          deadLetters.refresh();
          return null;
        }, false);
      }
      vertx.executeBlocking(() -> {
        feed.observe(reef, channels.keySet());
        return null;
      }, true);
      if (!reef.isClosed() && backlogs.claim(now)) {
        Map<String, Set<String>> agentChannels = AgentTable.channelsOfAgents(directoryAgents());
        vertx.executeBlocking(() -> {
          backlogs.read(agentChannels);
          return null;
        }, false);
      }
      snapshot = buildSnapshot(channels);
      if (stream.size() > 0) {
        stream.send(EventStream.event("snapshot", snapshot));
      }
    } catch (RuntimeException e) {
      LOG.warn("the dashboard could not take a snapshot: {}", e.toString());
    }
  }

  private void push() {
    if (closed) {
      return;
    }
    SporeFeed.Batch batch = feed.takePending();
    if (stream.size() > 0 && (!batch.spores().isEmpty() || batch.skipped() > 0)) {
      stream.send(spores(batch.spores(), batch.skipped()));
    }
  }

  private static String spores(ArrayNode spores, long skipped) {
    ObjectNode node = HealthCheck.MAPPER.createObjectNode();
    node.set("spores", spores);
    node.put("skipped", skipped);
    return EventStream.event("spores", node.toString());
  }

  private String buildSnapshot(Map<String, Set<String>> channels) {
    ObjectNode node = HealthCheck.MAPPER.createObjectNode();
    node.put("time", Timestamps.format(Instant.now()));
    node.put("namespace", reef.namespace());
    node.putObject("process").put("host", HOST).put("pid", ProcessHandle.current().pid());
    node.put("knowledge_shown", showKnowledge);
    ObjectNode scopes = node.putObject("scopes");
    scopes.put("totals", "process").put("channels", "process").put("latency", "process")
        .put("agents", "namespace").put("dead_letters", "namespace").put("spores", "process");
    node.set("health", health.readiness().node());
    ReefStats stats = reef.stats();
    ObjectNode totals = node.putObject("totals");
    totals.put("sent", stats.sent());
    totals.put("received", stats.received());
    totals.put("handled", stats.handled());
    totals.put("failed", stats.failed());
    totals.put("retried", stats.retried());
    totals.put("dead_lettered", stats.deadLettered());
    totals.put("expired", stats.expired());
    totals.put("duplicates", stats.duplicates());
    totals.put("send_failures", stats.sendFailures());
    totals.put("undecodable", stats.undecodable());
    totals.put("late_replies", stats.lateReplies());
    totals.put("refused", stats.refused());
    totals.put("in_flight", stats.inFlight());
    Collection<AgentInfo> agents = directoryAgents();
    node.set("agents", AgentTable.rows(agents, backlogs::backlog));
    node.put("backlog_error", backlogs.error());
    node.set("latency", LatencyView.rows(reef.meterRegistry()));
    Map<String, Set<String>> onChannels = new TreeMap<>(channels);
    for (AgentInfo entry : agents) {
      if (entry.state() == AgentState.ONLINE) {
        onChannels.computeIfAbsent(entry.channel(), c -> new TreeSet<>()).add(entry.agentName());
      }
    }
    node.set("channels", rates.sample(System.nanoTime(), onChannels));
    node.set("dead_letters", deadLetters.view());
    node.set("stream", feed.status());
    return node.toString();
  }

  private Collection<AgentInfo> directoryAgents() {
    try {
      return reef.isClosed() ? List.of() : reef.directory().agents();
    } catch (RuntimeException e) {
      LOG.debug("the dashboard could not read who is online: {}", e.toString());
      return List.of();
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  /** Every channel of the runtime's registered agents, with the agent names on it. */
  private Map<String, Set<String>> channelsOfAgents() {
    Map<String, Set<String>> channels = new TreeMap<>();
    if (runtime.isClosed()) {
      return channels;
    }
    for (String agent : runtime.agentNames()) {
      for (String channel : runtime.spec(agent).channels()) {
        channels.computeIfAbsent(channel, c -> new TreeSet<>()).add(agent);
      }
    }
    return channels;
  }

  private static long localDeadLetters(ReefStats stats) {
    return stats.deadLettered() + stats.undecodable();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (snapshotTimer >= 0) {
        vertx.cancelTimer(snapshotTimer);
      }
      if (pushTimer >= 0) {
        vertx.cancelTimer(pushTimer);
      }
    }
    stream.close();
    feed.close();
  }
}
