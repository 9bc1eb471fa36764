package dev.reef.sites;

import java.util.List;

/**
 * Links the sites of one namespace and tells how their links are: through each site's broker
 * management API. From {@link Sites#admin}. Every call waits at most its backend's request timeout
 * per site.
 */
public interface SiteAdmin {

  /**
   * Writes, on every site, what federates it with the others (upstreams, upstream set, policies, the
   * sites exchange), changing only what differs from what is there: a second run changes nothing.
   *
   * @throws dev.reef.ReefException when a site's management API refuses or cannot be reached; sites
   *     done before stay done, and running it again finishes the rest
   */
  LinkReport link();

  /** The state and backlog of every directed link PEER -> SITE; a site that cannot be asked shows as such. */
  List<LinkStatus> status();

  /**
   * What {@link #link()} did.
   *
   * @param changed one line per object created or changed, {@code SITE: what}
   * @param unchanged one line per object that was as wanted already
   */
  record LinkReport(List<String> changed, List<String> unchanged) {
    /** Copies the lists. */
    public LinkReport {
      changed = List.copyOf(changed);
      unchanged = List.copyOf(unchanged);
    }

    /** True when nothing had to change. */
    public boolean nothingChanged() {
      return changed.isEmpty();
    }
  }

  /**
   * One direction of a link: what site {@code to} pulls from site {@code from}.
   *
   * @param from the site spores leave
   * @param to the site spores go to
   * @param running true when every federation link {@code to} runs for {@code from} is running
   * @param links how many federation links {@code to} runs for {@code from} (one per federated queue or
   *     exchange)
   * @param linksRunning how many of them are running
   * @param detail the broker's reason when not running, or why the site could not be asked; else empty
   * @param backlog spores waiting at {@code from} to cross to {@code to}, or -1 when {@code from} could not
   *     be asked
   */
  record LinkStatus(String from, String to, boolean running, int links, int linksRunning, String detail,
      long backlog) {

    /** One line: {@code paris -> berlin  running  4/4 links  backlog 0}. */
    public String render() {
      return String.format("%s -> %s  %s  %d/%d links  backlog %s%s", from, to, running ? "running" : "DOWN",
          linksRunning, links, backlog < 0 ? "unknown" : Long.toString(backlog), detail.isEmpty() ? "" : "  (" + detail
              + ")");
    }
  }
}
