package dev.reef.tools.cli;

import dev.reef.sites.Site;
import dev.reef.sites.SiteAdmin;
import dev.reef.sites.SiteList;
import dev.reef.sites.Sites;
import dev.reef.tools.launch.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code reef sites link|status}: sites linked by the broker's federation (docs/sites.md). */
@Command(name = "sites", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
    description = "Links the sites of a namespace (RabbitMQ federation) and shows the state of their links.")
final class SitesCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing a command: link or status");
  }

  /** What both subcommands share: the sites file and the namespace. */
  abstract static class OnSites extends ReefSubcommand {
    @Option(names = "--sites", paramLabel = "FILE", required = true,
        description = "The sites file: {\"sites\": [{\"name\", \"amqp_uri\", \"management_uri\"}, ...]}.")
    Path sitesFile;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAME",
        description = "The namespace (env " + Settings.ENV_NAMESPACE + "; default reef).")
    String namespace;

    OnSites(Map<String, String> environment) {
      super(environment);
    }

    SiteAdmin admin() {
      String ns = namespace != null ? namespace : environment(Settings.ENV_NAMESPACE) != null
          ? environment(Settings.ENV_NAMESPACE) : "reef";
      try {
        List<Site> sites = SiteList.read(sitesFile);
        return Sites.admin(ns, sites);
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
    }
  }

  /** {@code reef sites link}: idempotent. */
  @Command(name = "link", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
      description = {"Writes on every site, through its management API, the federation upstreams, upstream set,"
          + " policies and sites exchange that link it with the others. Only what differs is written: a second run"
          + " changes nothing.", "Prints one line per object: 'changed' or 'unchanged'."})
  static final class LinkCommand extends OnSites {
    LinkCommand(Map<String, String> environment) {
      super(environment);
    }

    @Override
    public Integer call() {
      SiteAdmin.LinkReport report = admin().link();
      report.changed().forEach(line -> out().println("changed    " + line));
      report.unchanged().forEach(line -> out().println("unchanged  " + line));
      out().flush();
      status(report.nothingChanged() ? "nothing to change: the sites were linked already"
          : report.changed().size() + " objects written, " + report.unchanged().size() + " as wanted already");
      return 0;
    }
  }

  /** {@code reef sites status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = ReefCli.Version.class,
      description = {"Shows each direction of each site link: running or DOWN (with the broker's reason), how many"
          + " federation links run, and the backlog: spores waiting at the sending site to cross.",
          "Exit code 0 when every link runs, 1 when one is down."})
  static final class StatusCommand extends OnSites {
    StatusCommand(Map<String, String> environment) {
      super(environment);
    }

    @Override
    public Integer call() {
      List<SiteAdmin.LinkStatus> links = admin().status();
      links.forEach(link -> out().println(link.render()));
      out().flush();
      return links.stream().allMatch(SiteAdmin.LinkStatus::running) ? 0 : 1;
    }
  }
}
