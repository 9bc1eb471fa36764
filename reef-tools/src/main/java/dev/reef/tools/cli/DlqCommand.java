package dev.reef.tools.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.DeadLetter;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import dev.reef.spore.SporeJson;
import dev.reef.spore.Timestamps;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code reef dlq list|replay|purge}: the dead letters of a namespace (SPEC §3.9). */
@Command(name = "dlq", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = "Lists, replays or purges the dead letters of the namespace.")
final class DlqCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a command: list, replay or purge");
  }

  /** {@code reef dlq list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
      description = "Lists the dead letters, oldest first.")
  static final class ListCommand extends ReefSubcommand {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "One JSON object per dead letter, with its spore.")
    boolean json;

    ListCommand(Map<String, String> environment) {
      super(environment);
    }

    @Override
    public Integer call() {
      Settings settings = settings(connection.flags(), connection);
      try (ReefConnection reef = connect(settings)) {
        List<DeadLetter> letters = reef.reef().deadLetters().list();
        PrintWriter out = out();
        if (json) {
          letters.forEach(letter -> out.println(toJson(letter)));
        } else {
          out.print(table(letters));
        }
        out.flush();
      }
      return 0;
    }

    static ObjectNode toJson(DeadLetter letter) {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("id", letter.id());
      node.put("channel", letter.channel());
      node.put("agent", letter.agent());
      node.put("attempts", letter.attempts());
      node.put("error", letter.error());
      node.put("dead_lettered_at", Timestamps.format(letter.deadLetteredAt()));
      node.set("spore", letter.spore().<com.fasterxml.jackson.databind.JsonNode>map(SporeJson::toTree)
          .orElse(node.nullNode()));
      node.put("raw_payload", letter.rawPayload().orElse(null));
      return node;
    }

    static String table(List<DeadLetter> letters) {
      StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-36s  %-20s  %-12s  %-8s  %-32s  %s%n",
          "ID", "AGENT", "CHANNEL", "ATTEMPTS", "DEAD-LETTERED", "ERROR"));
      for (DeadLetter letter : letters) {
        text.append(String.format(Locale.ROOT, "%-36s  %-20s  %-12s  %-8d  %-32s  %s%n", letter.id(), letter.agent(),
            letter.channel(), letter.attempts(), Timestamps.format(letter.deadLetteredAt()),
            ErrorReporting.oneLine(letter.error())));
      }
      if (letters.isEmpty()) {
        text.append("(no dead letters)").append(System.lineSeparator());
      }
      return text.toString();
    }
  }

  /** {@code reef dlq replay}. */
  @Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
      description = "Sends dead letters back to the agent that gave up on them, as first attempts.")
  static final class ReplayCommand extends ReefSubcommand {
    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Dead letters to replay (ids from 'reef dlq list').")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all", description = "Replay every dead letter.")
    boolean all;

    ReplayCommand(Map<String, String> environment) {
      super(environment);
    }

    @Override
    public Integer call() throws Exception {
      if (all == !ids.isEmpty()) {
        throw usage("name the dead letters to replay, or give --all (not both)");
      }
      Settings settings = settings(connection.flags(), connection);
      try (ReefConnection reef = connect(settings)) {
        List<String> chosen = new ArrayList<>(ids);
        if (all) {
          reef.reef().deadLetters().list().forEach(letter -> chosen.add(letter.id()));
        }
        for (String id : chosen) {
          reef.reef().deadLetters().replay(id).get(30, TimeUnit.SECONDS);
          out().println("replayed " + id);
          out().flush();
        }
        if (chosen.isEmpty()) {
          status("no dead letters to replay");
        }
      }
      return 0;
    }
  }

  /** {@code reef dlq purge}. */
  @Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
      description = "Deletes every dead letter of the namespace.")
  static final class PurgeCommand extends ReefSubcommand {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--yes", description = "Confirm: the dead letters are gone for good.")
    boolean confirmed;

    PurgeCommand(Map<String, String> environment) {
      super(environment);
    }

    @Override
    public Integer call() {
      if (!confirmed) {
        throw usage("purging deletes every dead letter for good: add --yes");
      }
      Settings settings = settings(connection.flags(), connection);
      try (ReefConnection reef = connect(settings)) {
        int purged = reef.reef().deadLetters().purge();
        out().println("purged " + purged + " dead letter(s)");
        out().flush();
      }
      return 0;
    }
  }
}
