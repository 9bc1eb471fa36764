package dev.reef.tools.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reef completion}: the bash (and zsh) completion script of every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = {"Prints a bash/zsh completion script for reef, to load with: source <(reef completion)",
        "or to install once: reef completion > /etc/bash_completion.d/reef"})
final class CompletionCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().print(AutoComplete.bash("reef", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
  }
}
