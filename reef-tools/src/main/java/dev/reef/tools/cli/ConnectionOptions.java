package dev.reef.tools.cli;


import dev.reef.tools.launch.HttpSettings;
import dev.reef.tools.launch.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command has for where to connect: flags that win over environment and config file. */
final class ConnectionOptions {

  @Option(names = "--uri", paramLabel = "URI",
      description = "The backend: amqp://user:password@host:5672/vhost, amqps://..., or memory: "
          + "(env " + Settings.ENV_URI + "; default " + Settings.DEFAULT_URI + ").")
  String uri;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NAME",
      description = "The namespace prefixing every broker object (env " + Settings.ENV_NAMESPACE + "; default reef).")
  String namespace;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A config file, JSON or YAML (*.yaml, *.yml); flags and environment variables win over it (env "
          + Settings.ENV_CONFIG + ").")
  Path config;

  @Option(names = "--heartbeat", paramLabel = "DURATION",
      description = "How often this process tells the directory its agents are alive; three missed beats mean "
          + "silent (env " + Settings.ENV_HEARTBEAT + "; default 5s).")
  Duration heartbeat;

  /** The settings these flags give, without agents. */
  Settings flags() {
    return flags(HttpSettings.NONE, null, List.of());
  }

  /** The settings these flags give, with the run command's own. */
  Settings flags(HttpSettings http, Duration drainTimeout, List<Settings.Agent> agents) {
    return new Settings(uri, namespace, heartbeat, http, drainTimeout, agents);
  }
}
