package dev.reef.tools.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reef dlq list|show|replay|purge}: the dead letters of a namespace (SPEC §3.9). */
@Command(name = "dlq", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = {"Lists, shows, replays or purges the dead letters of the namespace.",
        "A dead letter's id is the id of its spore, as in the logs and in 'reef tail'."})
final class DlqCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a command: list, show, replay or purge");
  }
}
