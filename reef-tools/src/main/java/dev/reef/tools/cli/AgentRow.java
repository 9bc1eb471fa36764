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
 * One line of {@code reef agents}: the instances of one agent on one host that are in the same state.
 *
 * @param agent the agent name
 * @param host the host its processes run on
 * @param state online, silent or left
 * @param instances how many instances: those on the agent's busiest channel, since an instance
 *     subscribes once per channel of its agent
 * @param instanceIds the directory's instance ids (one per instance and channel)
 * @param channels the channels they consume
 * @param capabilities what they offer
 * @param lastHeartbeat when their processes were last heard of
 */
record AgentRow(String agent, String host, AgentState state, int instances, Set<String> instanceIds,
    Set<String> channels, Set<String> capabilities, Instant lastHeartbeat) {

  static final Comparator<AgentRow> ORDER = Comparator.comparing(AgentRow::agent).thenComparing(AgentRow::host)
      .thenComparing(AgentRow::state);

  /** Groups the directory's entries (one per instance and channel) into rows. */
  static List<AgentRow> fromDirectory(Collection<AgentInfo> agents) {
    Map<String, List<AgentInfo>> groups = new TreeMap<>();
    for (AgentInfo instance : agents) {
      groups.computeIfAbsent(instance.agentName() + '\u0000' + instance.host() + '\u0000' + instance.state(),
          key -> new ArrayList<>()).add(instance);
    }
    List<AgentRow> rows = new ArrayList<>();
    for (List<AgentInfo> group : groups.values()) {
      AgentInfo first = group.get(0);
      Set<String> ids = new TreeSet<>();
      Map<String, Set<String>> idsByChannel = new TreeMap<>();
      Set<String> capabilities = new TreeSet<>();
      Instant last = Instant.EPOCH;
      for (AgentInfo instance : group) {
        ids.add(instance.instanceId());
        idsByChannel.computeIfAbsent(instance.channel(), channel -> new TreeSet<>()).add(instance.instanceId());
        capabilities.addAll(instance.capabilities());
        last = instance.lastHeartbeat().isAfter(last) ? instance.lastHeartbeat() : last;
      }
      int instances = idsByChannel.values().stream().mapToInt(Set::size).max().orElse(0);
      rows.add(new AgentRow(first.agentName(), first.host(), first.state(), instances, ids,
          new TreeSet<>(idsByChannel.keySet()), capabilities, last));
    }
    rows.sort(ORDER);
    return rows;
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
    node.put("instances", instances);
    node.put("host", host);
    node.set("channels", array(channels));
    node.set("capabilities", array(capabilities));
    node.put("last_heartbeat", Timestamps.format(lastHeartbeat));
    node.put("online", online());
    node.put("state", state.name().toLowerCase(Locale.ROOT));
    node.set("instance_ids", array(instanceIds));
    return node;
  }

  private static ArrayNode array(Set<String> values) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
