package dev.reef.tools.cli;

import dev.reef.DeadLetter;
import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code reef dlq show ID}. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = "Shows one dead letter: where and when it failed, the error in full, and its spore.")
final class DlqShowCommand extends ReefSubcommand {
  @Mixin
  ConnectionOptions connection;

  @Mixin
  OutputOptions output;

  @Parameters(paramLabel = "ID", description = "The dead letter (its spore's id, from 'reef dlq list').")
  String id;

  DlqShowCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() {
    Settings settings = settings(connection.flags(), connection);
    try (ReefConnection reef = connect(settings)) {
      DeadLetter letter = DeadLetterLookup.find(this, reef, id);
      out().print(output.json() ? DeadLetterText.toJson(letter).toPrettyString() + System.lineSeparator()
          : DeadLetterText.detail(letter));
      out().flush();
    }
    return 0;
  }
}
