package dev.reef.tools.cli;

import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code reef namespace objects|delete}: a namespace's broker objects. */
@Command(name = "namespace", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = "Lists or deletes the broker objects (queues, exchanges, streams) of a namespace.")
final class NamespaceCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a command: objects or delete");
  }

  /** The options both subcommands share: the namespace is their argument, not {@code -n}. */
  abstract static class OnNamespace extends ReefSubcommand {
    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "NAMESPACE", arity = "0..1",
        description = "The namespace (default: -n, " + Settings.ENV_NAMESPACE + ", or reef).")
    String namespace;

    OnNamespace(Map<String, String> environment) {
      super(environment);
    }

    Settings namespaceSettings() {
      if (namespace != null && connection.namespace != null && !namespace.equals(connection.namespace)) {
        throw usage("two namespaces given: '" + namespace + "' and -n '" + connection.namespace + "'");
      }
      if (namespace != null) {
        connection.namespace = namespace;
      }
      try {
        return settings(connection.flags(), connection);
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }
  }

  /** {@code reef namespace objects [NS]}. */
  @Command(name = "objects", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
      description = "Lists the broker objects of the namespace, one name per line.")
  static final class ObjectsCommand extends OnNamespace {
    ObjectsCommand(Map<String, String> environment) {
      super(environment);
    }

    @Override
    public Integer call() {
      try (ReefConnection reef = connect(namespaceSettings())) {
        List<String> objects = reef.reef().admin().objects();
        objects.forEach(out()::println);
        out().flush();
        if (objects.isEmpty()) {
          status("namespace '" + reef.reef().namespace() + "' has no broker objects");
        }
      }
      return 0;
    }
  }

  /** {@code reef namespace delete NS --yes}. */
  @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
      description = {"Deletes every broker object of the namespace: agents' queues with their spores, dead letters, "
          + "history, exchanges. Stop its agents first: their queues go too."})
  static final class DeleteCommand extends OnNamespace {
    @Option(names = "--yes", description = "Confirm: the namespace's spores and dead letters are gone for good.")
    boolean confirmed;

    DeleteCommand(Map<String, String> environment) {
      super(environment);
    }

    @Override
    public Integer call() {
      if (namespace == null) {
        throw usage("name the namespace to delete (e.g. 'reef namespace delete test-1 --yes')");
      }
      if (!confirmed) {
        throw usage("deleting namespace '" + namespace + "' deletes its spores and dead letters for good: add --yes");
      }
      try (ReefConnection reef = connect(namespaceSettings())) {
        int deleted = reef.reef().admin().delete();
        out().println("deleted " + deleted + " broker object(s) of namespace '" + reef.reef().namespace() + "'");
        out().flush();
      }
      return 0;
    }
  }
}
