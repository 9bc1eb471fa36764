package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.SporeObserver;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reef tail}: follows channels, one line per spore published on them (text, or JSON with --json). */
@Command(name = "tail", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = ReefCli.Version.class,
    description = {
        "Follows channels: prints every spore published on them as one line, without taking it from any agent: "
            + "time (UTC), channel, type, sender -> recipient, id, knowledge; with --json, one JSON object per line "
            + "(the spore's fields and \"channel\").",
        "On AMQP it sees broadcasts, and the spores sent to agents that the directory knows on the channel; "
            + "replies and retries do not pass through the channel and are not shown."})
final class TailCommand extends ReefSubcommand {
  /** How long a new connection waits to hear who is online, so that their spores are followed from the start. */
  private static final Duration SETTLE_LIMIT = Duration.ofSeconds(3);

  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Parameters(paramLabel = "CHANNEL", arity = "0..*", description = "Channels to follow (default main).")
  List<String> channels = new ArrayList<>();

  @Option(names = "--count", paramLabel = "N", description = "Stop after N spores.")
  Integer count;

  @Option(names = "--for", paramLabel = "DURATION", description = "Stop after DURATION.")
  Duration duration;

  @Option(names = "--since", paramLabel = "DURATION", description = "First the spores of the last DURATION, from "
      + "the channel's history (it must keep one), then live ones: everything published, replies included.")
  Duration since;

  TailCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() throws Exception {
    List<String> followed = channels.isEmpty() ? List.of("main") : List.copyOf(channels);
    for (String channel : followed) {
      if (!Names.isValid(channel)) {
        throw usage("invalid channel name '" + channel + "': 1-128 characters of A-Z a-z 0-9 _ -");
      }
    }
    if (count != null && count < 1) {
      throw usage("--count must be at least 1, got " + count);
    }
    Settings settings = settings(connection.flags(), connection);
    CountDownLatch done = new CountDownLatch(1);
    Printer printer = new Printer(out(), output.json(), count, done);
    try (ReefConnection reef = connect(settings)) {
      DirectorySettling.await(reef.directory(), SETTLE_LIMIT);
      List<AutoCloseable> observations = new ArrayList<>();
      try {
        for (String channel : followed) {
          observations.add(since == null ? reef.reef().channel(channel).observe(printer)
              : TailSince.follow(reef.reef().channel(channel), since, printer, this::usage));
        }
        status("following " + followed + " on " + reef.describe()
            + (count != null ? " until " + count + " spore(s)" : "") + "; Ctrl-C to stop");
        if (duration != null) {
          done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          done.await();
        }
      } finally {
        for (AutoCloseable observation : observations) {
          observation.close();
        }
      }
    }
    return 0;
  }

  /** Prints each spore as one line, whole lines only, and counts them. */
  private static final class Printer implements SporeObserver {
    private final PrintWriter out;
    private final boolean json;
    private final Integer limit;
    private final CountDownLatch done;
    private int printed; // guarded by this

    Printer(PrintWriter out, boolean json, Integer limit, CountDownLatch done) {
      this.out = out;
      this.json = json;
      this.limit = limit;
      this.done = done;
    }

    @Override
    public synchronized void observe(String channel, Spore spore) {
      if (limit != null && printed >= limit) {
        return;
      }
      if (json) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("channel", channel);
        line.setAll(SporeJson.toTree(spore));
        out.println(line);
      } else {
        out.println(SporeText.line(channel, spore));
      }
      out.flush();
      printed++;
      if (limit != null && printed >= limit) {
        done.countDown();
      }
    }
  }
}
