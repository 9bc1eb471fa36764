package dev.reef.tools.cli;

import dev.reef.DeadLetter;
import dev.reef.DeadLetters;
import dev.reef.ReplayOptions;
import dev.reef.ReplayRefusedException;
import dev.reef.ReplayReport;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reef dlq replay ID...|--all [--refresh-expiry]}. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = {
        "Sends dead letters back to the agent that gave up on them, as first attempts, saying what it does.",
        "Refuses, with the reason, what cannot succeed, and leaves it in the dead letters: a request whose "
            + "requester no longer listens for the reply (ask again instead), an expired spore (unless "
            + "--refresh-expiry), a message that was never a valid spore.",
        "Exit code 0 when everything named was replayed, 1 when something was refused."})
final class DlqReplayCommand extends ReefSubcommand {
  /** How long one replay (or the whole of --all) may take. */
  private static final long REPLAY_SECONDS = 30;

  @Mixin
  ConnectionOptions connection;

  @Parameters(paramLabel = "ID", arity = "0..*", description = "Dead letters to replay (ids from 'reef dlq list').")
  List<String> ids = new ArrayList<>();

  @Option(names = "--all", description = "Replay every dead letter that can be, in one pass; report the others.")
  boolean all;

  @Option(names = "--refresh-expiry",
      description = "Give an expired spore a new expiry (now + its original time to live) instead of refusing it.")
  boolean refreshExpiry;

  DlqReplayCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() throws Exception {
    if (all == !ids.isEmpty()) {
      throw usage("name the dead letters to replay, or give --all (not both)");
    }
    ReplayOptions options = ReplayOptions.DEFAULT.refreshExpiry(refreshExpiry);
    Settings settings = settings(connection.flags(), connection);
    try (ReefConnection reef = connect(settings)) {
      return all ? replayAll(reef, options) : replayEach(reef, options);
    }
  }

  private int replayEach(ReefConnection reef, ReplayOptions options) throws InterruptedException, TimeoutException {
    List<DeadLetter> chosen = new ArrayList<>();
    for (String id : ids) {
      chosen.add(DeadLetterLookup.find(this, reef, id)); // every id checked before anything is replayed
    }
    DeadLetters deadLetters = reef.reef().deadLetters();
    int refused = 0;
    PrintWriter out = out();
    for (DeadLetter letter : chosen) {
      out.println("replaying " + letter.id() + ": " + DeadLetterText.plan(letter));
      out.flush();
      try {
        deadLetters.replay(letter.id(), options).get(REPLAY_SECONDS, TimeUnit.SECONDS);
        out.println("replayed " + letter.id());
      } catch (ExecutionException e) {
        refused++;
        Throwable cause = ErrorReporting.unwrap(e);
        out.println((cause instanceof ReplayRefusedException ? "refused " : "failed ") + letter.id() + ": "
            + reason(cause, letter.id()));
      } catch (ReplayRefusedException e) {
        refused++;
        out.println("refused " + letter.id() + ": " + reason(e, letter.id()));
      }
      out.flush();
    }
    if (refused > 0) {
      status(refused + " of " + chosen.size() + " dead letter(s) not replayed; they stay in the dead letters");
    }
    return refused == 0 ? 0 : 1;
  }

  private int replayAll(ReefConnection reef, ReplayOptions options) throws Exception {
    DeadLetters deadLetters = reef.reef().deadLetters();
    PrintWriter out = out();
    out.println("replaying every dead letter of namespace '" + reef.reef().namespace() + "' that can be"
        + (refreshExpiry ? ", expired spores with a new expiry" : "; expired spores are refused (--refresh-expiry)"));
    out.flush();
    ReplayReport report;
    try {
      report = deadLetters.replayAll(options).get(REPLAY_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("replay --all failed: " + ErrorReporting.describe(ErrorReporting.unwrap(e)),
          ErrorReporting.unwrap(e));
    }
    report.replayed().forEach(id -> out.println("replayed " + id));
    report.skipped().forEach((id, reason) -> out.println("refused " + id + ": " + strip(reason, id)));
    out.println("replayed " + report.replayed().size() + ", refused " + report.skipped().size());
    out.flush();
    return report.skipped().isEmpty() ? 0 : 1;
  }

  /** The refusal's reason without the "dead letter ID was not replayed:" its message starts with. */
  private static String reason(Throwable error, String id) {
    return strip(ErrorReporting.oneLine(ErrorReporting.describe(error)), id);
  }

  private static String strip(String message, String id) {
    String prefix = "dead letter " + id + " was not replayed: ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
