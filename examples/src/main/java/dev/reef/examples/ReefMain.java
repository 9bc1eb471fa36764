package dev.reef.examples;

import dev.reef.tools.cli.ReefCli;

/**
 * The main class of the executable jar {@code examples/target/reef.jar} that {@code bin/reef} runs:
 * the {@code reef} command of reef-tools, plus {@code demo}; the example agents are on its
 * class path, so {@code reef run dev.reef.examples.distributed.Worker} finds them.
 */
public final class ReefMain {

  private ReefMain() {}

  /** Runs {@code reef} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(ReefCli.commandLine(System.getenv(), new DemoCommand()).execute(args));
  }
}
