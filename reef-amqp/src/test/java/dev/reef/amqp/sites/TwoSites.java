package dev.reef.amqp.sites;

import dev.reef.amqp.ChaosProxy;
import dev.reef.amqp.faults.PrivateRabbitNode;
import dev.reef.sites.Site;
import dev.reef.sites.SiteAdmin;
import dev.reef.sites.Sites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Two sites for the tests: two private RabbitMQ nodes, each its own broker (not clustered), with the
 * management and federation plugins, each reachable by the other's federation links only through a
 * {@link ChaosProxy} the test cuts and heals. Agents connect to their own site's node directly.
 *
 * <pre>{@code
 * try (TwoSites sites = TwoSites.start("ns")) {
 *   sites.admin().link();
 *   Reef a = Reef.builder().uri(sites.reefUri("a")).namespace("ns").build();
 *   sites.cut();  ...  sites.heal();
 * }
 * }</pre>
 */
final class TwoSites implements AutoCloseable {
  private final String namespace;
  private final PrivateRabbitNode nodeA;
  private final PrivateRabbitNode nodeB;
  private final int managementA;
  private final int managementB;
  private final ChaosProxy proxyA;
  private final ChaosProxy proxyB;
  private final Path sitesFile;
  private final List<Site> sites;

  private TwoSites(String namespace, PrivateRabbitNode nodeA, int managementA, PrivateRabbitNode nodeB,
      int managementB) throws IOException {
    this.namespace = namespace;
    this.nodeA = nodeA;
    this.nodeB = nodeB;
    this.managementA = managementA;
    this.managementB = managementB;
    this.proxyA = new ChaosProxy(URI.create(nodeA.amqpUri()));
    this.proxyB = new ChaosProxy(URI.create(nodeB.amqpUri()));
    this.sites = List.of(
        new Site("a", URI.create(proxyA.uri(URI.create(nodeA.amqpUri())) + "/"), URI.create("http://127.0.0.1:" + managementA)),
        new Site("b", URI.create(proxyB.uri(URI.create(nodeB.amqpUri())) + "/"), URI.create("http://127.0.0.1:" + managementB)));
    this.sitesFile = Files.createTempFile("reef-sites-", ".json");
    Files.writeString(sitesFile, json(sites));
  }

  /** Starts both nodes (side by side) and the proxies; the sites are not linked yet. */
  static TwoSites start(String namespace) {
    int[] ports = PrivateRabbitNode.freePorts(2);
    CompletableFuture<PrivateRabbitNode> a = CompletableFuture.supplyAsync(() -> node("reef-site-a", ports[0]));
    CompletableFuture<PrivateRabbitNode> b = CompletableFuture.supplyAsync(() -> node("reef-site-b", ports[1]));
    try {
      return new TwoSites(namespace, a.join(), ports[0], b.join(), ports[1]);
    } catch (IOException | RuntimeException e) {
      a.thenAccept(PrivateRabbitNode::close);
      b.thenAccept(PrivateRabbitNode::close);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private static PrivateRabbitNode node(String prefix, int managementPort) {
    return PrivateRabbitNode.builder().namePrefix(prefix)
        .plugin("rabbitmq_management").plugin("rabbitmq_federation").plugin("rabbitmq_federation_management")
        .config("management.tcp.port", Integer.toString(managementPort))
        .config("management.tcp.ip", "127.0.0.1")
        .start();
  }

  /** The sites, as the sites file lists them (their AMQP URIs go through the proxies). */
  List<Site> sites() {
    return sites;
  }

  /** The sites file. */
  Path sitesFile() {
    return sitesFile;
  }

  /** The admin of the two sites in this namespace. */
  SiteAdmin admin() {
    return Sites.admin(namespace, sites);
  }

  /** The URI a Reef of {@code site} uses: its node, directly, with the site options. */
  String reefUri(String site) {
    return node(site).amqpUri() + "/?site=" + site + "&sites=" + sitesFile;
  }

  /** The node of site {@code a} or {@code b}. */
  PrivateRabbitNode node(String site) {
    return switch (site) {
      case "a" -> nodeA;
      case "b" -> nodeB;
      default -> throw new IllegalArgumentException("no site " + site);
    };
  }

  /** The management API of a site. */
  URI management(String site) {
    return URI.create("http://127.0.0.1:" + (site.equals("a") ? managementA : managementB));
  }

  /** Cuts the link both ways and keeps it cut: every federation connection between the sites is closed. */
  void cut() {
    proxyA.cut();
    proxyB.cut();
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxyA.cutAll(); // one that was being accepted as the cut began
    proxyB.cutAll();
  }

  /** Lets the link through again: the federation links reconnect within their reconnect delay. */
  void heal() {
    proxyA.heal();
    proxyB.heal();
  }

  private static String json(List<Site> sites) {
    StringBuilder json = new StringBuilder("{\"sites\": [");
    for (int i = 0; i < sites.size(); i++) {
      Site site = sites.get(i);
      json.append(i == 0 ? "" : ", ").append("{\"name\": \"").append(site.name()).append("\", \"amqp_uri\": \"")
          .append(site.amqpUri()).append("\", \"management_uri\": \"").append(site.managementUri()).append("\"}");
    }
    return json.append("]}").toString();
  }

  @Override
  public void close() {
    try {
      proxyA.close();
      proxyB.close();
      Files.deleteIfExists(sitesFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        nodeA.close();
      } finally {
        nodeB.close();
      }
    }
  }
}
