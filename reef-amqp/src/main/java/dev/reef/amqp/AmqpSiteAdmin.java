package dev.reef.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reef.ReefException;
import dev.reef.sites.Site;
import dev.reef.sites.SiteAdmin;
import dev.reef.sites.SiteAdminProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Links sites with RabbitMQ federation through each site's management HTTP API, and reads the state
 * of the links (docs/sites.md). Each request waits at most {@link #TIMEOUT}; passwords never appear in
 * what it reports.
 */
public final class AmqpSiteAdmin implements SiteAdmin {
  /** The longest one management API request waits. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final List<Site> sites;
  private final SiteFederation federation;
  private final String namespace;

  private AmqpSiteAdmin(String namespace, List<Site> sites) {
    this.namespace = namespace;
    this.sites = List.copyOf(sites);
    this.federation = new SiteFederation(namespace);
  }

  /** Found with {@link java.util.ServiceLoader} by {@link dev.reef.sites.Sites#admin}: sites on amqp and amqps. */
  public static final class Provider implements SiteAdminProvider {
    /** For the service loader. */
    public Provider() {}

    @Override
    public boolean supports(String scheme) {
      String lower = scheme.toLowerCase(Locale.ROOT);
      return lower.equals("amqp") || lower.equals("amqps");
    }

    @Override
    public SiteAdmin admin(String namespace, List<Site> sites) {
      return new AmqpSiteAdmin(namespace, sites);
    }
  }

  @Override
  public LinkReport link() {
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (Site site : sites) {
      ManagementApi api = api(site);
      List<Site> peers = sites.stream().filter(other -> !other.name().equals(site.name())).toList();
      for (Site peer : peers) {
        ensure(api, site, "parameters/federation-upstream", federation.upstreamName(peer.name()),
            valueOf(federation.upstreamValue(peer)), "value", changed, unchanged);
      }
      ensure(api, site, "parameters/federation-upstream-set", federation.upstreamSetName(),
          valueOf(federation.upstreamSetValue(peers)), "value", changed, unchanged);
      ensure(api, site, "exchanges", namespace + ".sites", SiteFederation.sitesExchange(), null, changed, unchanged);
      ensure(api, site, "policies", federation.queuePolicyName(),
          federation.policy(federation.agentQueuePattern(), "queues"), null, changed, unchanged);
      ensure(api, site, "policies", federation.exchangePolicyName(),
          federation.policy(federation.exchangePattern(), "exchanges"), null, changed, unchanged);
    }
    return new LinkReport(changed, unchanged);
  }

  /** Puts {@code wanted} at {@code kind/NAME} unless what is there holds it already (in {@code field}, or whole). */
  private static void ensure(ManagementApi api, Site site, String kind, String name, JsonNode wanted, String field,
      List<String> changed, List<String> unchanged) {
    String path = api.path(kind, name);
    JsonNode existing = api.getOrNull(path);
    JsonNode compared = field == null ? wanted : wanted.get(field);
    JsonNode there = existing == null ? null : field == null ? existing : existing.get(field);
    String what = site.name() + ": " + kind.replace("parameters/", "") + " " + name;
    if (SiteFederation.holds(there, compared)) {
      unchanged.add(what);
      return;
    }
    api.put(path, wanted);
    changed.add(what + (existing == null ? " created" : " updated"));
  }

  private static JsonNode valueOf(JsonNode value) {
    com.fasterxml.jackson.databind.node.ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .objectNode();
    body.set("value", value);
    return body;
  }

  @Override
  public List<LinkStatus> status() {
    Map<String, List<JsonNode>> links = new LinkedHashMap<>();
    Map<String, String> unreachable = new LinkedHashMap<>();
    Map<String, String> clusterNames = new LinkedHashMap<>();
    for (Site site : sites) {
      try {
        ManagementApi api = api(site);
        links.put(site.name(), api.list("/api/federation-links/" + encodedVhost(api)));
        JsonNode cluster = api.getOrNull("/api/cluster-name");
        clusterNames.put(site.name(), cluster == null ? "" : cluster.path("name").asText(""));
      } catch (ReefException e) {
        unreachable.put(site.name(), e.getMessage());
      }
    }
    List<LinkStatus> statuses = new ArrayList<>();
    for (Site to : sites) {
      for (Site from : sites) {
        if (!from.name().equals(to.name())) {
          statuses.add(direction(from, to, links.get(to.name()), unreachable.get(to.name()),
              clusterNames.getOrDefault(to.name(), "")));
        }
      }
    }
    return statuses;
  }

  /** What {@code to} pulls from {@code from}: its links' states there, the backlog at {@code from}. */
  private LinkStatus direction(Site from, Site to, List<JsonNode> linksAtTo, String toUnreachable, String toCluster) {
    String upstream = federation.upstreamName(from.name());
    int total = 0;
    int running = 0;
    String detail = toUnreachable == null ? "" : "site " + to.name() + " cannot be asked: " + toUnreachable;
    if (linksAtTo != null) {
      for (JsonNode link : linksAtTo) {
        if (!upstream.equals(link.path("upstream").asText())) {
          continue;
        }
        total++;
        String state = link.path("status").asText("");
        if (state.equals("running")) {
          running++;
        } else if (detail.isEmpty()) {
          detail = state + (link.hasNonNull("error") ? ": " + WireFields.abbreviate(link.get("error").asText()) : "");
        }
      }
      if (total == 0) {
        detail = "no federation links (run 'reef sites link'; or another policy of higher priority applies)";
      }
    }
    long backlog;
    try {
      backlog = backlog(from, toCluster);
    } catch (ReefException e) {
      backlog = -1;
      detail = detail + (detail.isEmpty() ? "" : "; ") + "site " + from.name() + " cannot be asked: " + e.getMessage();
    }
    return new LinkStatus(from.name(), to.name(), total > 0 && running == total, total, running, detail, backlog);
  }

  /**
   * Spores waiting at {@code from} to cross: ready messages in its agent queues that no Reef instance
   * at {@code from} consumes (only other sites' links take them), and in its federation queues of the
   * sites exchange for {@code toCluster} (all of them when the cluster name is unknown).
   */
  private long backlog(Site from, String toCluster) {
    ManagementApi api = api(from);
    Set<String> servedHere = new HashSet<>();
    for (JsonNode consumer : api.list("/api/consumers/" + encodedVhost(api))) {
      if (consumer.path("consumer_tag").asText("").startsWith("reef-")) {
        servedHere.add(consumer.path("queue").path("name").asText(""));
      }
    }
    String sitesQueues = "federation: " + namespace + ".sites -> ";
    long waiting = 0;
    for (JsonNode queue : api.items("/api/queues/" + encodedVhost(api), "^(" + ManagementApi.escapeRegex(namespace)
        + "\\.|federation: )", "name,messages_ready")) {
      String name = queue.path("name").asText("");
      boolean agentQueue = federation.isAgentQueue(name) && !servedHere.contains(name);
      boolean sitesQueue = name.startsWith(sitesQueues) && (toCluster.isEmpty() || name.contains(toCluster));
      if (agentQueue || sitesQueue) {
        waiting += queue.path("messages_ready").asLong(0);
      }
    }
    return waiting;
  }

  private static String encodedVhost(ManagementApi api) {
    return java.net.URLEncoder.encode(api.virtualHost(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static ManagementApi api(Site site) {
    return ManagementApi.forSite(site.amqpUri(), site.managementUri(), TIMEOUT);
  }

  @Override
  public String toString() {
    return "AmqpSiteAdmin[" + namespace + ", " + sites.stream().map(Site::name).toList() + "]";
  }
}
