package dev.reef.tools.cli;

import dev.reef.DeadLetter;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code reef dlq list}. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = {"Lists the dead letters, oldest first: id (the spore's), type, agent, channel, attempts, when "
        + "(UTC) and the error.", "With --json, one JSON object per line, with the spore."})
final class DlqListCommand extends ReefSubcommand {
  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  DlqListCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    Settings settings = settings(connection.flags(), connection);
    try (ReefConnection reef = connect(settings)) {
      List<DeadLetter> letters = reef.reef().deadLetters().list();
      PrintWriter out = out();
      if (output.json()) {
        letters.forEach(letter -> out.println(DeadLetterText.toJson(letter)));
      } else {
        out.print(DeadLetterText.table(letters, reef.reef().namespace()));
      }
      out.flush();
    }
    return 0;
  }
}
