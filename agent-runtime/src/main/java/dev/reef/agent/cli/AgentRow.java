package dev.reef.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.amqp.AgentPresence;
import dev.reef.codec.Timestamps;
import dev.reef.spi.Directory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One line of {@code reef agents}: the instances of one agent on one host that are all online, or
 * all silent.
 *
 * @param agent the agent name
 * @param host the host its processes run on
 * @param online false when their processes missed three heartbeats
 * @param instanceIds the instances, empty when the backend does not tell (in-memory)
 * @param channels the channels they consume
 * @param capabilities what they offer
 * @param lastHeartbeat when their processes were last heard of
 */
record AgentRow(String agent, String host, boolean online, Set<String> instanceIds, Set<String> channels,
    Set<String> capabilities, Instant lastHeartbeat) {

  static final Comparator<AgentRow> ORDER = Comparator.comparing(AgentRow::agent).thenComparing(AgentRow::host)
      .thenComparing(row -> !row.online());

  /** Groups presence announcements (one per instance and channel) into rows. */
  static List<AgentRow> fromPresence(Collection<AgentPresence> presence) {
    Map<String, List<AgentPresence>> groups = new TreeMap<>();
    for (AgentPresence instance : presence) {
      groups.computeIfAbsent(instance.agent() + '\u0000' + instance.host() + '\u0000' + instance.online(),
          key -> new ArrayList<>()).add(instance);
    }
    List<AgentRow> rows = new ArrayList<>();
    for (List<AgentPresence> group : groups.values()) {
      AgentPresence first = group.get(0);
      Set<String> ids = new TreeSet<>();
      Set<String> channels = new TreeSet<>();
      Set<String> capabilities = new TreeSet<>();
      Instant last = Instant.EPOCH;
      for (AgentPresence instance : group) {
        ids.add(instance.instanceId());
        channels.add(instance.channel());
        capabilities.addAll(instance.capabilities());
        last = instance.lastSeen().isAfter(last) ? instance.lastSeen() : last;
      }
      rows.add(new AgentRow(first.agent(), first.host(), first.online(), ids, channels, capabilities, last));
    }
    rows.sort(ORDER);
    return rows;
  }

  /** Rows from a backend without presence: who consumes on {@code channels}, as the directory says. */
  static List<AgentRow> fromDirectory(Directory directory, List<String> channels, String host, Instant now) {
    Map<String, Set<String>> channelsOfAgent = new TreeMap<>();
    for (String channel : channels) {
      for (String agent : directory.agentsOn(channel)) {
        channelsOfAgent.computeIfAbsent(agent, key -> new TreeSet<>()).add(channel);
      }
    }
    List<AgentRow> rows = new ArrayList<>();
    channelsOfAgent.forEach((agent, on) ->
        rows.add(new AgentRow(agent, host, true, Set.of(), on, Set.of(), now)));
    return rows;
  }

  /** The number of instances, or -1 when unknown. */
  int instances() {
    return instanceIds.isEmpty() ? -1 : instanceIds.size();
  }

  ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("agent", agent);
    if (instances() < 0) {
      node.putNull("instances");
    } else {
      node.put("instances", instances());
    }
    node.put("host", host);
    node.set("channels", array(channels));
    node.set("capabilities", array(capabilities));
    node.put("last_heartbeat", Timestamps.format(lastHeartbeat));
    node.put("online", online);
    node.set("instance_ids", array(instanceIds));
    return node;
  }

  private static ArrayNode array(Set<String> values) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    values.forEach(array::add);
    return array;
  }
}
