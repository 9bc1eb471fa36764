package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.AgentDirectory;
import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.UnknownDestinationException;
import dev.reef.spore.Names;
import dev.reef.spore.Timestamps;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reef agents}: who runs where, from the namespace's directory (the same on every backend). */
@Command(name = "agents", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = ReefCli.Version.class,
    description = {
        "Lists running agents, one row per agent and process: name, host, pid, instances, state (online or "
            + "SILENT), last heartbeat, backlog (spores waiting in the agent's queue, shared by its processes), "
            + "channels, capabilities.",
        "A new listing shows the processes that answer its hello; with --watch, a process that then misses three "
            + "heartbeats (or is stuck in a handler) is shown as SILENT until it is heard again; one that stops is "
            + "left out. In memory, only the agents of this JVM's broker exist."})
final class AgentsCommand extends ReefSubcommand {
  /** How long to wait for every running process to answer the hello of a new connection. */
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(3);

  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Option(names = {"-w", "--watch"}, description = "List again every interval until stopped.")
  boolean watch;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
      description = "With --watch: how often to list (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = {"-c", "--channel"}, paramLabel = "CHANNEL",
      description = "Only the agents on these channels (default: every channel).")
  List<String> channels = new ArrayList<>();

  AgentsCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() throws InterruptedException {
    if (interval.isZero()) {
      throw usage("--interval must be positive");
    }
    for (String channel : channels) {
      if (!Names.isValid(channel)) {
        throw usage("invalid channel name '" + channel + "': 1-128 characters of A-Z a-z 0-9 _ -");
      }
    }
    Settings settings = settings(connection.flags(), connection);
    try (ReefConnection reef = connect(settings)) {
      DirectorySettling.await(reef.directory(), SETTLE_LIMIT);
      warnAboutUnknownChannels(reef);
      do {
        print(reef, rows(reef));
        if (watch) {
          Thread.sleep(interval.toMillis());
        }
      } while (watch);
    }
    return 0;
  }

  /** A channel no agent runs on is named, with the channels close to it. */
  private void warnAboutUnknownChannels(ReefConnection reef) {
    Set<String> known = new TreeSet<>();
    reef.directory().agents().forEach(agent -> known.add(agent.channel()));
    for (String channel : channels) {
      if (!known.contains(channel)) {
        status("no agent runs on channel '" + channel + "' in namespace '" + reef.reef().namespace() + "'"
            + Suggestions.didYouMean(channel, known));
      }
    }
  }

  /** Rows of the instances running (online or silent) on the chosen channels; those that stopped are left out. */
  private List<AgentRow> rows(ReefConnection reef) {
    AgentDirectory directory = reef.directory();
    List<AgentInfo> agents = new ArrayList<>();
    if (channels.isEmpty()) {
      agents.addAll(directory.agents());
    } else {
      channels.stream().distinct().forEach(channel -> agents.addAll(directory.agents(channel)));
    }
    agents.removeIf(agent -> agent.state() == AgentState.LEFT);
    return AgentRow.fromDirectory(agents, backlogs(reef, agents));
  }

  /** Each agent's backlog over its channels; an agent whose backlog cannot be read is left out (shown as ?). */
  private Map<String, Long> backlogs(ReefConnection reef, List<AgentInfo> agents) {
    Map<String, Set<String>> channelsOfAgent = new TreeMap<>();
    agents.forEach(agent -> channelsOfAgent.computeIfAbsent(agent.agentName(), name -> new TreeSet<>())
        .add(agent.channel()));
    Map<String, Long> backlogs = new HashMap<>();
    channelsOfAgent.forEach((agent, onChannels) -> {
      long total = 0;
      for (String channel : onChannels) {
        try {
          total += reef.reef().channel(channel).backlog(agent);
        } catch (UnknownDestinationException e) {
          // no queue (yet) on this channel: nothing waits there
        } catch (RuntimeException e) {
          status("cannot read the backlog of '" + agent + "' on '" + channel + "': "
              + ErrorReporting.oneLine(ErrorReporting.describe(e)));
          return;
        }
      }
      backlogs.put(agent, total);
    });
    return backlogs;
  }

  private void print(ReefConnection reef, List<AgentRow> rows) {
    PrintWriter out = out();
    Instant now = Instant.now();
    if (output.json()) {
      ObjectNode listing = JsonNodeFactory.instance.objectNode();
      listing.put("at", Timestamps.format(now));
      listing.put("namespace", reef.reef().namespace());
      ArrayNode agents = listing.putArray("agents");
      rows.forEach(row -> agents.add(row.toJson()));
      out.println(listing);
    } else {
      if (watch) {
        out.println("-- " + SporeText.time(now));
      }
      out.print(table(rows, now, reef.reef().namespace()));
    }
    out.flush();
  }

  /** {@code line} with {@code site} as its second column when {@code sites}. */
  private static String[] withSite(boolean sites, String site, String[] line) {
    if (!sites) {
      return line;
    }
    String[] wider = new String[line.length + 1];
    wider[0] = line[0];
    wider[1] = site;
    System.arraycopy(line, 1, wider, 2, line.length - 1);
    return wider;
  }

  static String table(List<AgentRow> rows, Instant now, String namespace) {
    List<String[]> lines = new ArrayList<>();
    boolean sites = rows.stream().anyMatch(row -> !row.site().isEmpty()); // a SITE column only when sites are linked
    lines.add(withSite(sites, "SITE", new String[] {"AGENT", "HOST", "PID", "INSTANCES", "STATE", "LAST HEARTBEAT",
        "BACKLOG", "CHANNELS", "CAPABILITIES"}));
    for (AgentRow row : rows) {
      lines.add(withSite(sites, row.site().isEmpty() ? "-" : row.site(), new String[] {
          row.agent(),
          row.host(),
          row.pid() < 0 ? "?" : Long.toString(row.pid()),
          Integer.toString(row.instances()),
          row.status(),
          ago(row.lastHeartbeat(), now),
          row.backlog() == null ? "?" : Long.toString(row.backlog()),
          String.join(",", row.channels()),
          row.capabilities().isEmpty() ? "-" : String.join(",", row.capabilities())}));
    }
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        text.append(i == line.length - 1 ? line[i] : String.format(Locale.ROOT, "%-" + (widths[i] + 2) + "s", line[i]));
      }
      text.append(System.lineSeparator());
    }
    if (rows.isEmpty()) {
      text.append("(no agents running in namespace '").append(namespace).append("')").append(System.lineSeparator());
    }
    return text.toString();
  }

  private static String ago(Instant then, Instant now) {
    long millis = Math.max(0, Duration.between(then, now).toMillis());
    return String.format(Locale.ROOT, "%.1fs ago", millis / 1000.0);
  }
}
