package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.ChannelHistory;
import dev.reef.HistoryEntry;
import dev.reef.spore.Names;
import dev.reef.tools.launch.ReefConnection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reef trace SPORE_ID}: the causal chain of a spore (SPEC §3.15) as a tree, from the spore no
 * handler sent down to everything it caused, found in a channel's history by {@code caused_by}.
 */
@Command(name = "trace", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = ReefCli.Version.class,
    description = {
        "Shows the causal chain of a spore as a tree: the spore that started it (sent by no handler) and "
            + "everything sent while handling it, and while handling those, found in the channel's history.",
        "The spore asked for is marked with *."})
final class TraceCommand extends ReefSubcommand {
  @Mixin
  ConnectionOptions connection;

  @Parameters(paramLabel = "SPORE_ID", description = "A spore of the chain.")
  String sporeId;

  @Option(names = {"-c", "--channel"}, paramLabel = "CHANNEL", description = "The channel whose history holds it"
      + " (default main).")
  String channel = "main";

  @Mixin
  OutputOptions output;

  TraceCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    if (!Names.isValid(channel)) {
      throw usage("invalid channel name '" + channel + "'");
    }
    try (ReefConnection reef = connect(settings(connection.flags(), connection))) {
      ChannelHistory history = reef.reef().channel(channel).history();
      if (!history.isKept()) {
        status("channel '" + channel + "' keeps no history: there is no chain to follow");
        return 1;
      }
      List<HistoryEntry> causes;
      try {
        causes = history.causes(sporeId);
      } catch (IllegalArgumentException e) {
        status(e.getMessage());
        return 1;
      }
      String rootId = causes.isEmpty() ? sporeId : causes.get(causes.size() - 1).spore().id();
      HistoryEntry root = causes.isEmpty() ? null : causes.get(causes.size() - 1);
      List<HistoryEntry> effects = history.effects(rootId);
      if (root == null) {
        root = history.read(dev.reef.HistoryQuery.all()).entries().stream()
            .filter(entry -> entry.spore().id().equals(rootId)).findFirst().orElseThrow();
      }
      Map<String, List<HistoryEntry>> children = new LinkedHashMap<>();
      for (HistoryEntry effect : effects) {
        children.computeIfAbsent(effect.spore().causedBy(), id -> new ArrayList<>()).add(effect);
      }
      PrintWriter out = out();
      if (output.json()) {
        out.println(node(root, children));
      } else {
        if (root.spore().causedBy() != null) {
          status("the chain goes on above " + root.spore().id() + " (caused by " + root.spore().causedBy()
              + ", not in this channel's history)");
        }
        print(out, root, children, "", "");
      }
      out.flush();
      status((effects.size() + 1) + " spore(s) in the chain");
      return 0;
    }
  }

  private void print(PrintWriter out, HistoryEntry entry, Map<String, List<HistoryEntry>> children, String lead,
      String childLead) {
    String mark = entry.spore().id().equals(sporeId) ? "* " : "";
    out.println(lead + mark + HistoryLines.summary(entry.spore()) + "  @" + entry.offset());
    List<HistoryEntry> below = children.getOrDefault(entry.spore().id(), List.of());
    for (int i = 0; i < below.size(); i++) {
      boolean last = i == below.size() - 1;
      print(out, below.get(i), children, childLead + (last ? "└─ " : "├─ "), childLead + (last ? "   " : "│  "));
    }
  }

  private ObjectNode node(HistoryEntry entry, Map<String, List<HistoryEntry>> children) {
    ObjectNode node = HistoryLines.json(channel, entry);
    ArrayNode effects = node.putArray("effects");
    for (HistoryEntry child : children.getOrDefault(entry.spore().id(), List.of())) {
      effects.add(node(child, children));
    }
    return node;
  }
}
