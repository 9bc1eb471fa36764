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
import java.util.function.Function;

/**
 * The namespace's directory (one entry per instance and channel) folded into one row per agent name:
 * how many instances, in which processes ({@code host:pid}), the backlog of its queues, where.
 */
final class AgentTable {
  private AgentTable() {}

  private static final class Row {
    final Set<String> channels = new TreeSet<>();
    final Set<String> processes = new TreeSet<>();
    final Set<String> silentProcesses = new TreeSet<>();
    final Set<String> capabilities = new TreeSet<>();
    final Map<String, Set<String>> onlineInstancesByChannel = new HashMap<>();
    Instant lastSeen = Instant.EPOCH;
    boolean online;
  }

  /** One JSON object per agent name, sorted by name; {@code backlog} gives an agent's backlog or null. */
  static ArrayNode rows(Collection<AgentInfo> agents, Function<String, Long> backlog) {
    Map<String, Row> rows = new TreeMap<>();
    for (AgentInfo entry : agents) {
      if (entry.state() == AgentState.LEFT) {
        continue; // stopped: the table shows who runs, online or silent
      }
      Row row = rows.computeIfAbsent(entry.agentName(), name -> new Row());
      row.channels.add(entry.channel());
      String process = entry.host() + ":" + (entry.pid() < 0 ? "?" : Long.toString(entry.pid()));
      row.processes.add(process);
      row.capabilities.addAll(entry.capabilities());
      if (entry.state() == AgentState.ONLINE) {
        row.online = true;
        row.onlineInstancesByChannel.computeIfAbsent(entry.channel(), c -> new TreeSet<>()).add(entry.instanceId());
      } else {
        row.silentProcesses.add(process);
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
      row.processes.forEach(node.putArray("processes")::add);
      row.silentProcesses.forEach(node.putArray("silent_processes")::add);
      row.capabilities.forEach(node.putArray("capabilities")::add);
      node.put("last_seen", Timestamps.format(row.lastSeen));
      node.put("online", row.online);
      Long waiting = backlog.apply(name);
      if (waiting == null) {
        node.putNull("backlog");
      } else {
        node.put("backlog", waiting.longValue());
      }
    });
    return array;
  }

  /** Agent name to the channels it runs on (online or silent). */
  static Map<String, Set<String>> channelsOfAgents(Collection<AgentInfo> agents) {
    Map<String, Set<String>> channels = new TreeMap<>();
    for (AgentInfo entry : agents) {
      if (entry.state() != AgentState.LEFT) {
        channels.computeIfAbsent(entry.agentName(), name -> new TreeSet<>()).add(entry.channel());
      }
    }
    return channels;
  }
}
