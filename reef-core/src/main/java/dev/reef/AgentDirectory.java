package dev.reef;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who runs where (SPEC §3.17): every agent instance of a namespace, on every backend. Each Reef
 * announces its own instances and hears the others' announcements; an instance not heard of for
 * three heartbeats, or stuck in one handler for that long, is {@linkplain AgentState#SILENT silent}.
 */
public interface AgentDirectory {

  /** Every instance known in the namespace, this Reef's and others', in any state. */
  List<AgentInfo> agents();

  /** Every instance known on {@code channel}, in any state. */
  List<AgentInfo> agents(String channel);

  /** The names of the agents with an {@linkplain AgentState#ONLINE online} instance on {@code channel}. */
  Set<String> onlineAgents(String channel);

  /** The names of the agents with an online instance on {@code channel} that offers {@code capability}. */
  Set<String> onlineAgentsWithCapability(String channel, String capability);

  /**
   * Tells {@code listener} of every instance that joins, goes silent, comes back or leaves from now
   * on. The listener runs on a Reef thread, one event at a time; it must be quick. Close the result to
   * stop.
   */
  Observation subscribe(Consumer<DirectoryEvent> listener);
}
