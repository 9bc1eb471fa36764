package dev.reef.tools.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.spore.Timestamps;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The directory's entries (one per instance and channel) folded into one row per agent name: what an
 * operator asks first is "which agents are up, how many of each, where".
 */
final class AgentTable {
  private AgentTable() {}

  private static final class Row {
    final Set<String> channels = new TreeSet<>();
    final Set<String> hosts = new TreeSet<>();
    final Set<String> capabilities = new TreeSet<>();
    final Map<String, Set<String>> onlineInstancesByChannel = new HashMap<>();
    Instant lastSeen = Instant.EPOCH;
    boolean online;
  }

  /** One JSON object per agent name, sorted by name. */
  static ArrayNode rows(Collection<AgentInfo> agents) {
    Map<String, Row> rows = new TreeMap<>();
    for (AgentInfo entry : agents) {
      if (entry.state() == AgentState.LEFT) {
        continue; // stopped: the table shows who runs, online or silent
      }
      Row row = rows.computeIfAbsent(entry.agentName(), name -> new Row());
      row.channels.add(entry.channel());
      row.hosts.add(entry.host());
      row.capabilities.addAll(entry.capabilities());
      if (entry.state() == AgentState.ONLINE) {
        row.online = true;
        row.onlineInstancesByChannel.computeIfAbsent(entry.channel(), c -> new TreeSet<>()).add(entry.instanceId());
      }
      if (entry.lastHeartbeat().isAfter(row.lastSeen)) {
        row.lastSeen = entry.lastHeartbeat();
      }
    }
    ArrayNode array = HealthCheck.MAPPER.createArrayNode();
    rows.forEach((name, row) -> {
      ObjectNode node = array.addObject();
      node.put("agent", name);
      // An instance subscribes once per channel of its agent: count instances on the busiest channel.
      node.put("instances", row.onlineInstancesByChannel.values().stream().mapToInt(Set::size).max().orElse(0));
      row.channels.forEach(node.putArray("channels")::add);
      row.hosts.forEach(node.putArray("hosts")::add);
      row.capabilities.forEach(node.putArray("capabilities")::add);
      node.put("last_seen", Timestamps.format(row.lastSeen));
      node.put("online", row.online);
    });
    return array;
  }
}
