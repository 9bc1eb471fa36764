package dev.reef.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code reef demo}: the multi-agent demo of {@link ReefDemo}, in memory, in seconds. */
@Command(name = "demo", description = "Runs the multi-agent demo in memory (no broker needed); exit code 0 when "
    + "everything expected happened.")
final class DemoCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    return ReefDemo.run(System.out).succeeded() ? 0 : 1;
  }
}
