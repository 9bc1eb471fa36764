package dev.reef.tools.cli;

import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reef dlq purge --yes}. */
@Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = "Deletes every dead letter of the namespace.")
final class DlqPurgeCommand extends ReefSubcommand {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--yes", description = "Confirm: the dead letters are gone for good.")
  boolean confirmed;

  DlqPurgeCommand(Map<String, String> environment) {
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
      out().println("purged " + purged + " dead letter(s) of namespace '" + reef.reef().namespace() + "'");
      out().flush();
    }
    return 0;
  }
}
