package dev.reef.tools.cli;

import dev.reef.ChannelHistory;
import dev.reef.HistoryEntry;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRead;
import dev.reef.HistoryRetention;
import dev.reef.Observation;
import dev.reef.spore.Names;
import dev.reef.spore.SporeType;
import dev.reef.tools.launch.ReefConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reef history CHANNEL}: reads a channel's history (SPEC §3.16), filtered, from a point in
 * time or an offset, and optionally follows it live; says plainly when retention removed part of
 * what was asked for.
 */
@Command(name = "history", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = ReefCli.Version.class,
    description = {
        "Reads the history of a channel: every spore published on it while history is kept, replies included, "
            + "in publish order; one line per spore (or one JSON line with --json).",
        "With --keep, turns history on for the channel first (an operator's action)."})
final class HistoryCommand extends ReefSubcommand {
  @Mixin
  ConnectionOptions connection;

  @Parameters(paramLabel = "CHANNEL", description = "The channel.")
  String channel;

  @Option(names = "--since", paramLabel = "DURATION", description = "From DURATION ago (e.g. 10m); default: all kept.")
  Duration since;

  @Option(names = "--from-offset", paramLabel = "N", description = "From offset N.")
  Long fromOffset;

  @Option(names = "--agent", paramLabel = "AGENT", description = "Only spores AGENT sent or that were sent to it.")
  String agent;

  @Option(names = "--type", paramLabel = "TYPE", converter = Converters.SporeTypeConverter.class,
      description = "Only spores of TYPE (knowledge, request, response, broadcast, notification).")
  SporeType type;

  @Option(names = "--trace", paramLabel = "TRACE_ID", description = "Only spores of the trace TRACE_ID.")
  String trace;

  @Option(names = "--caused-by", paramLabel = "SPORE_ID", description = "Only spores sent while handling SPORE_ID.")
  String causedBy;

  @Option(names = "--limit", paramLabel = "N", description = "At most N spores.")
  Integer limit;

  @Option(names = "--follow", description = "After what is kept, print each new spore as it is published.")
  boolean follow;

  @Option(names = "--for", paramLabel = "DURATION", description = "With --follow: stop after DURATION.")
  Duration duration;

  @Mixin
  OutputOptions output;

  @Option(names = "--keep", paramLabel = "MAX_AGE", description = "Turn history on with this maximum age first.")
  Duration keep;

  HistoryCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() throws Exception {
    if (!Names.isValid(channel)) {
      throw usage("invalid channel name '" + channel + "': 1-128 characters of A-Z a-z 0-9 _ -");
    }
    if (since != null && fromOffset != null) {
      throw usage("--since and --from-offset are two starts: give one");
    }
    HistoryQuery query;
    try {
      query = query();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    try (ReefConnection reef = connect(settings(connection.flags(), connection))) {
      ChannelHistory history = reef.reef().channel(channel).history();
      if (keep != null) {
        history.keep(HistoryRetention.maxAge(keep));
        status("channel '" + channel + "' keeps its history for " + keep);
      }
      if (!history.isKept()) {
        status("channel '" + channel + "' keeps no history (turn it on with --keep MAX_AGE)");
        return 1;
      }
      return follow ? follow(history, query) : read(history, query);
    }
  }

  private HistoryQuery query() {
    HistoryQuery.Builder builder = HistoryQuery.builder();
    if (since != null) {
      builder.since(since);
    } else if (fromOffset != null) {
      builder.fromOffset(fromOffset);
    }
    if (agent != null) {
      builder.agent(agent);
    }
    if (type != null) {
      builder.type(type);
    }
    if (trace != null) {
      builder.traceId(trace);
    }
    if (causedBy != null) {
      builder.causedBy(causedBy);
    }
    if (limit != null) {
      builder.limit(limit);
    }
    return builder.build();
  }

  private int read(ChannelHistory history, HistoryQuery query) {
    HistoryRead read = history.read(query);
    read.note().ifPresent(note -> status("note: " + note));
    PrintWriter out = out();
    read.entries().forEach(entry -> print(out, entry));
    out.flush();
    if (!read.complete()) {
      status("stopped at --limit " + limit + "; go on with --from-offset " + read.nextOffset());
    }
    return 0;
  }

  private int follow(ChannelHistory history, HistoryQuery query) throws InterruptedException {
    HistoryRead kept = history.read(query.toBuilder().limit(1).build());
    kept.note().ifPresent(note -> status("note: " + note));
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger printed = new AtomicInteger();
    PrintWriter out = out();
    try (Observation following = history.follow(query, entry -> {
      synchronized (out) {
        print(out, entry);
        out.flush();
      }
      if (limit != null && printed.incrementAndGet() >= limit) {
        done.countDown();
      }
    })) {
      status("following the history of '" + channel + "'; Ctrl-C to stop");
      if (duration != null) {
        done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        done.await();
      }
    }
    return 0;
  }

  private void print(PrintWriter out, HistoryEntry entry) {
    out.println(output.json() ? HistoryLines.json(channel, entry).toString() : HistoryLines.text(entry));
  }
}
