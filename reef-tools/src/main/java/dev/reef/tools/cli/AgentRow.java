package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.spore.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One line of {@code reef agents}: the instances of one agent in one process (one Reef connection),
 * so that a silent row can be tied to its process.
 *
 * @param agent the agent name
 * @param host the host the process runs on
 * @param pid the process id on that host, -1 when unknown
 * @param reefId the id of the Reef connection that runs them
 * @param state silent when any instance is silent, else online (or left)
 * @param instances how many instances: those on the agent's busiest channel, since an instance
 *     subscribes once per channel of its agent
 * @param instanceIds the directory's instance ids (one per instance and channel)
 * @param channels the channels they consume
 * @param capabilities what they offer
 * @param lastHeartbeat when the process was last heard of
 * @param backlog spores waiting in the agent's queues (shared by all its processes), null when unknown
 * @param site the site the process runs at when sites are linked (docs/sites.md), else empty
 */
record AgentRow(String agent, String host, long pid, String reefId, AgentState state, int instances,
    Set<String> instanceIds, Set<String> channels, Set<String> capabilities, Instant lastHeartbeat, Long backlog,
    String site) {

  /** A row of a Reef without sites. */
  AgentRow(String agent, String host, long pid, String reefId, AgentState state, int instances,
      Set<String> instanceIds, Set<String> channels, Set<String> capabilities, Instant lastHeartbeat, Long backlog) {
    this(agent, host, pid, reefId, state, instances, instanceIds, channels, capabilities, lastHeartbeat, backlog, "");
  }

  static final Comparator<AgentRow> ORDER = Comparator.comparing(AgentRow::agent).thenComparing(AgentRow::host)
      .thenComparingLong(AgentRow::pid).thenComparing(AgentRow::reefId);

  /**
   * Groups the directory's entries (one per instance and channel) into one row per agent and process.
   *
   * @param backlogs the backlog of each agent name; agents missing from it show none
   */
  static List<AgentRow> fromDirectory(Collection<AgentInfo> agents, Map<String, Long> backlogs) {
    Map<String, List<AgentInfo>> groups = new TreeMap<>();
    for (AgentInfo instance : agents) {
      groups.computeIfAbsent(instance.agentName() + '\u0000' + instance.reefId(), key -> new ArrayList<>())
          .add(instance);
    }
    List<AgentRow> rows = new ArrayList<>();
    for (List<AgentInfo> group : groups.values()) {
      AgentInfo first = group.get(0);
      Set<String> ids = new TreeSet<>();
      Map<String, Set<String>> idsByChannel = new TreeMap<>();
      Set<String> capabilities = new TreeSet<>();
      Instant last = Instant.EPOCH;
      AgentState state = AgentState.LEFT;
      for (AgentInfo instance : group) {
        ids.add(instance.instanceId());
        idsByChannel.computeIfAbsent(instance.channel(), channel -> new TreeSet<>()).add(instance.instanceId());
        capabilities.addAll(instance.capabilities());
        last = instance.lastHeartbeat().isAfter(last) ? instance.lastHeartbeat() : last;
        state = worse(state, instance.state());
      }
      int instances = idsByChannel.values().stream().mapToInt(Set::size).max().orElse(0);
      rows.add(new AgentRow(first.agentName(), first.host(), first.pid(), first.reefId(), state, instances, ids,
          new TreeSet<>(idsByChannel.keySet()), capabilities, last, backlogs.get(first.agentName()), first.site()));
    }
    rows.sort(ORDER);
    return rows;
  }

  /** Silent wins over online, online over left: the row shows what needs looking at. */
  private static AgentState worse(AgentState a, AgentState b) {
    if (a == AgentState.SILENT || b == AgentState.SILENT) {
      return AgentState.SILENT;
    }
    return a == AgentState.ONLINE || b == AgentState.ONLINE ? AgentState.ONLINE : AgentState.LEFT;
  }

  boolean online() {
    return state == AgentState.ONLINE;
  }

  /** The state as the table shows it: {@code online}, {@code SILENT} (the one to look at) or {@code left}. */
  String status() {
    return state == AgentState.SILENT ? "SILENT" : state.name().toLowerCase(Locale.ROOT);
  }

  ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("agent", agent);
    node.put("host", host);
    if (!site.isEmpty()) {
      node.put("site", site);
    }
    node.put("pid", pid);
    node.put("reef_id", reefId);
    node.put("instances", instances);
    node.put("state", state.name().toLowerCase(Locale.ROOT));
    node.put("online", online());
    node.put("last_heartbeat", Timestamps.format(lastHeartbeat));
    if (backlog == null) {
      node.putNull("backlog");
    } else {
      node.put("backlog", backlog.longValue());
    }
    node.set("channels", array(channels));
    node.set("capabilities", array(capabilities));
    node.set("instance_ids", array(instanceIds));
    return node;
  }

  private static ArrayNode array(Set<String> values) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
