package dev.reef.tools.cli;

import dev.reef.tools.launch.AgentLauncher;
import dev.reef.tools.launch.AgentClassPath;
import dev.reef.tools.launch.HttpSettings;
import dev.reef.tools.launch.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reef run}: runs agents in this JVM until SIGTERM or Ctrl-C, then stops gracefully. */
@Command(name = "run", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = ReefCli.Version.class,
    description = {
        "Runs agents in this JVM until SIGTERM or Ctrl-C, then stops gracefully: no new spores, in-flight "
            + "handlers finish and are acknowledged, spores not started go back to their queue; exit code 0.",
        "Agents are @AgentDefinition classes or Supplier<AgentSpec> classes, named here, in "
            + Settings.ENV_AGENTS + " or in the config file's \"agents\"."})
final class RunCommand extends ReefSubcommand {

  @Mixin
  ConnectionOptions connection;

  @Parameters(paramLabel = "CLASS[=INSTANCES]", arity = "0..*",
      description = "Agent classes to run, each with its number of instances (default 1).")
  List<String> agents = new ArrayList<>();

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "Serve /health, /metrics and the dashboard on PORT (0: any free port; env "
          + HttpSettings.ENV_PORT + "; default: no HTTP).")
  Integer httpPort;

  @Option(names = "--http-host", paramLabel = "ADDRESS",
      description = "The address HTTP binds (env " + HttpSettings.ENV_HOST + "; default " + HttpSettings.DEFAULT_HOST
          + ", this machine only; 0.0.0.0 for every interface).")
  String httpHost;

  @Option(names = "--http-token", paramLabel = "TOKEN",
      description = "Ask every HTTP request for 'Authorization: Bearer TOKEN' (401 without it; env "
          + HttpSettings.ENV_TOKEN + ", better than a flag, which other users can see; default: no token).")
  String httpToken;

  @Option(names = "--http-show-knowledge", arity = "0..1", paramLabel = "true|false", fallbackValue = "true",
      description = "Show spore knowledge on the dashboard and in /events (env " + HttpSettings.ENV_SHOW_KNOWLEDGE
          + "; default false: ids, types and routes only).")
  Boolean httpShowKnowledge;

  @Option(names = {"--classpath", "--cp"}, paramLabel = "PATHS",
      description = "Jars and class folders holding the agent classes, separated by ':' (';' on Windows); DIR/* "
          + "takes every jar in DIR (env " + AgentClassPath.ENV + "; the distribution also reads its agents/ folder).")
  String classpath;

  @Option(names = "--drain-timeout", paramLabel = "DURATION",
      description = "How long a graceful stop waits for in-flight handlers (env " + Settings.ENV_DRAIN_TIMEOUT
          + "; default 10s).")
  Duration drainTimeout;

  RunCommand(Map<String, String> environment) {
    super(environment);
  }

  @Override
  public Integer call() throws InterruptedException {
    List<Settings.Agent> entries = new ArrayList<>();
    for (String agent : agents) {
      try {
        entries.add(Settings.Agent.parse(agent));
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }
    Settings flags;
    try {
      flags = connection.flags(new HttpSettings(httpHost, httpPort, httpToken, httpShowKnowledge), drainTimeout,
          entries);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Settings settings = settings(flags, connection);
    AgentLauncher launcher;
    try {
      ClassLoader agentClasses = AgentClassPath.loader(classpath != null ? classpath : environment(AgentClassPath.ENV),
          Thread.currentThread().getContextClassLoader());
      launcher = AgentLauncher.start(settings, agentClasses);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    launcher.closeOnShutdown(this::status);
    status("ready: " + launcher.describeAgents() + " on " + launcher.connection().describe()
        + (launcher.httpPort() >= 0 ? "; http://" + launcher.httpHost() + ":" + launcher.httpPort() + "/" : "")
        + (settings.uri().regionMatches(true, 0, "memory:", 0, 7) ? "; in-memory: only this JVM's agents see these spores" : ""));
    launcher.awaitStopped();
    return 0;
  }
}
