package dev.reef.tools.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code reef} command: {@code run}, {@code send}, {@code tail}, {@code agents}, {@code dlq}, {@code
 * namespace}, {@code completion} and {@code help}.
 *
 * <pre>{@code
 * reef run com.example.Calculator com.example.Worker=2 --uri amqp://guest:guest@localhost:5672
 * reef send --to calculator --wait --knowledge '{"type":"add","a":2,"b":3}'
 * reef tail main
 * reef agents
 * reef dlq list
 * }</pre>
 *
 * <p>Settings come from flags, then environment variables ({@code REEF_AMQP_URI}, ...), then a JSON
 * config file ({@code --config}); see {@link dev.reef.tools.launch.Settings}. Exit codes: 0 done, 1
 * failed (broker unreachable, no reply, send refused), 2 bad input (flags, JSON, config), each failure
 * reported as one line on stderr with passwords masked.
 *
 * <p>Applications add their own commands (the examples add {@code demo}) with {@link
 * #commandLine(Map, Object...)}.
 */
public final class ReefCli {

  private ReefCli() {}

  /** Runs {@code reef} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    CommandDeadline.countFromProcessStart();
    System.exit(forArguments(System.getenv(), args).execute(args));
  }

  /**
   * The {@code reef} command for {@code args}: when they name one of the data commands ({@code send},
   * {@code agents}, ...), a command line holding only that one, since picocli reads the annotations of
   * every command it holds and a short command should not pay for the others (about a tenth of a
   * second); for anything else ({@code --help}, {@code help}, {@code completion}, a typo), all of them.
   */
  public static CommandLine forArguments(Map<String, String> environment, String[] args) {
    String first = args.length == 0 ? "" : args[0];
    Object only = switch (first) {
      case "run" -> new RunCommand(environment);
      case "send" -> new SendCommand(environment);
      case "tail" -> new TailCommand(environment);
      case "agents" -> new AgentsCommand(environment);
      default -> null;
    };
    if (only == null) {
      return commandLine(environment);
    }
    CommandLine reef = new CommandLine(new TopCommand());
    reef.addSubcommand(only);
    return configured(reef);
  }

  /** The {@code reef} command reading the process environment. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /**
   * The {@code reef} command, reading settings from {@code environment}, with {@code extraCommands}
   * (objects annotated with picocli's {@code @Command}) beside the built-in ones.
   */
  public static CommandLine commandLine(Map<String, String> environment, Object... extraCommands) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(extraCommands, "extraCommands");
    CommandLine reef = new CommandLine(new TopCommand());
    reef.addSubcommand(new RunCommand(environment));
    reef.addSubcommand(new SendCommand(environment));
    reef.addSubcommand(new TailCommand(environment));
    reef.addSubcommand(new AgentsCommand(environment));
    reef.addSubcommand(new HistoryCommand(environment));
    reef.addSubcommand(new TraceCommand(environment));
    CommandLine dlq = new CommandLine(new DlqCommand());
    dlq.addSubcommand(new DlqListCommand(environment));
    dlq.addSubcommand(new DlqShowCommand(environment));
    dlq.addSubcommand(new DlqReplayCommand(environment));
    dlq.addSubcommand(new DlqPurgeCommand(environment));
    dlq.addSubcommand("help", new CommandLine.HelpCommand());
    reef.addSubcommand(dlq);
    CommandLine namespace = new CommandLine(new NamespaceCommand());
    namespace.addSubcommand(new NamespaceCommand.ObjectsCommand(environment));
    namespace.addSubcommand(new NamespaceCommand.DeleteCommand(environment));
    namespace.addSubcommand("help", new CommandLine.HelpCommand());
    reef.addSubcommand(namespace);
    CommandLine sites = new CommandLine(new SitesCommand());
    sites.addSubcommand(new SitesCommand.LinkCommand(environment));
    sites.addSubcommand(new SitesCommand.StatusCommand(environment));
    sites.addSubcommand("help", new CommandLine.HelpCommand());
    reef.addSubcommand(sites);
    for (Object command : extraCommands) {
      reef.addSubcommand(Objects.requireNonNull(command, "extra command"));
    }
    reef.addSubcommand(new CompletionCommand());
    reef.addSubcommand("help", new CommandLine.HelpCommand());
    return configured(reef);
  }

  /** Error handling and converters, set last: they apply to the subcommands added so far. */
  private static CommandLine configured(CommandLine reef) {
    ErrorReporting errors = new ErrorReporting();
    reef.registerConverter(Duration.class, new Converters.DurationConverter());
    reef.setParameterExceptionHandler(errors);
    reef.setExecutionExceptionHandler(errors);
    reef.setCaseInsensitiveEnumValuesAllowed(true);
    return reef;
  }

  /** {@code reef} itself: only its subcommands do something. */
  @Command(name = "reef", mixinStandardHelpOptions = true, versionProvider = Version.class,
      description = "Reef: run agents, send spores, follow channels, list agents and dead letters.",
      footer = {"", "'reef help COMMAND' or 'reef COMMAND --help' shows a command's options.",
          "Exit codes: 0 done, 1 failed, 2 bad input. Settings: flags > environment (REEF_AMQP_URI, "
          + "REEF_NAMESPACE, REEF_HTTP_PORT, REEF_HTTP_HOST, REEF_HTTP_TOKEN, REEF_PRESENCE_HEARTBEAT, "
          + "REEF_DRAIN_TIMEOUT, REEF_AGENTS, REEF_CLASSPATH, REEF_CONFIG) > config file (JSON or YAML) > defaults."})
  static final class TopCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(),
          "missing a command: one of " + String.join(", ", spec.subcommands().keySet()));
    }
  }

  /** The version in the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ReefCli.class.getPackage().getImplementationVersion();
      return new String[] {"reef " + (version != null ? version : "(development build)")};
    }
  }
}
