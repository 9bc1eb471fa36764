package dev.reef.tools.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.tools.cli.ReefCli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 15, acceptance 1: {@code bin/reef COMMAND --help} of the distribution, for every command and
 * subcommand, exits 0 and lists the command's options; {@code reef help send} too.
 */
class DistributionHelpProcessIT {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @Test
  void everyCommandAndSubcommandAnswersHelpWithItsOptions() {
    List<List<String>> commands = commands(ReefCli.commandLine(Map.of()), List.of());
    assertThat(commands).hasSizeGreaterThanOrEqualTo(14);
    for (List<String> command : commands) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");

      Distribution.Result help = Distribution.run(Map.of(), LIMIT, args.toArray(String[]::new));

      assertThat(help.exitCode()).as(help.toString()).isZero();
      assertThat(help.out()).as(help.toString()).contains("Usage: reef" + (command.isEmpty() ? "" : " "
          + String.join(" ", command))).contains("-h, --help");
      if (!command.contains("help")) {
        assertThat(help.out()).as(help.toString()).contains("-V, --version");
      }
      assertThat(help.err()).as(help.toString()).isEmpty();
    }
    Distribution.Result send = Distribution.run(Map.of(), LIMIT, "send", "--help");
    assertThat(send.out()).contains("--to=AGENT", "--wait", "--json", "--format=FORMAT", "--timeout=DURATION",
        "--uri=URI", "--namespace=NAME");
    Distribution.Result helpSend = Distribution.run(Map.of(), LIMIT, "help", "send");
    assertThat(helpSend.exitCode()).as(helpSend.toString()).isZero();
    assertThat(helpSend.out()).isEqualTo(send.out());
    Distribution.Result helpReplay = Distribution.run(Map.of(), LIMIT, "dlq", "help", "replay");
    assertThat(helpReplay.exitCode()).as(helpReplay.toString()).isZero();
    assertThat(helpReplay.out()).contains("Usage: reef dlq replay", "--refresh-expiry", "--all");
  }

  /** Every command and subcommand, as the words that name it ({@code []} for reef itself). */
  private static List<List<String>> commands(CommandLine command, List<String> path) {
    List<List<String>> all = new ArrayList<>();
    all.add(path);
    command.getSubcommands().forEach((name, sub) -> {
      List<String> subPath = new ArrayList<>(path);
      subPath.add(name);
      all.addAll(commands(sub, subPath));
    });
    return all;
  }
}
