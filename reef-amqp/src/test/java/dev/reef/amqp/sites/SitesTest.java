package dev.reef.amqp.sites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.Reef;
import dev.reef.amqp.process.AgentEvent;
import dev.reef.amqp.process.AgentJvm;
import dev.reef.sites.SiteAdmin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: two sites, each its own private RabbitMQ node (not clustered), linked by federation
 * through proxies the test cuts; agent JVMs at each site. Site a runs {@code client} (2 instances),
 * {@code alpha} and {@code shared}; site b runs {@code worker} (2), {@code beta}, {@code shared} and
 * {@code sink}. The test JVM has a Reef at site a for discovery.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SitesTest {
  private static final String CHANNEL = "main";
  private static final Duration WAIT = Duration.ofSeconds(30);
  // HANDLED batch agent instanceId type n sporeId
  private static final int AGENT = 1;
  private static final int SPORE_ID = 5;

  private final String namespace = "sites-" + UUID.randomUUID().toString().substring(0, 6);
  private final List<AgentJvm> jvms = new ArrayList<>();
  private TwoSites sites;
  private AgentJvm siteA;
  private AgentJvm siteB;
  private Reef observer;

  @BeforeAll
  void startTwoLinkedSitesWithAgents() {
    sites = TwoSites.start(namespace);
    SiteAdmin.LinkReport first = sites.admin().link();
    System.out.println("reef sites link (first run): " + first.changed().size() + " changed, "
        + first.unchanged().size() + " unchanged");
    first.changed().forEach(line -> System.out.println("  changed    " + line));
    siteA = launch("site-a", "a", builder -> builder.agent("client", 2).agent("alpha", 1).agent("shared", 1));
    siteB = launch("site-b", "b", builder -> builder.agent("worker", 2).agent("beta", 1).agent("shared", 1)
        .agent("sink", 1));
    jvms.forEach(jvm -> jvm.awaitReady(WAIT));
    observer = Reef.builder().uri(sites.reefUri("a")).namespace(namespace).build();
    // Each site declares the queues of the other's agents once it hears of them (presence, federated).
    awaitQueues("a", "worker", "beta", "sink", "shared");
    awaitQueues("b", "client", "alpha", "shared");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> sites.admin().status().stream()
        .allMatch(SiteAdmin.LinkStatus::running));
  }

  @AfterAll
  void stopEverything() {
    try {
      if (observer != null) {
        observer.close();
      }
      jvms.forEach(AgentJvm::close);
    } finally {
      if (sites != null) {
        sites.close();
      }
    }
  }

  @Test
  @Order(1)
  void linkingAgainChangesNothing() {
    Map<String, String> before = federationObjects();
    SiteAdmin.LinkReport second = sites.admin().link();
    System.out.println("reef sites link (second run): " + second.changed().size() + " changed, "
        + second.unchanged().size() + " unchanged");
    assertThat(second.changed()).as("objects the second run wrote").isEmpty();
    assertThat(second.unchanged()).as("objects the second run found as wanted").hasSize(2 * 5);
    assertThat(federationObjects()).as("upstreams, sets and policies on both sites").isEqualTo(before);
  }

  @Test
  @Order(2)
  void aDirectedSporeToAnAgentOfTheOtherSiteIsHandledOnceThere() {
    siteA.command("send", "d1", "client", "worker", "500", "0");
    assertThat(siteA.await("SENDS_DONE", "d1", WAIT).fields()).containsExactly("d1", "500", "0");
    Set<String> sent = siteA.events("SENT", "d1").stream().map(event -> event.field(2)).collect(Collectors.toSet());
    await().atMost(WAIT).until(() -> siteB.count("HANDLED", "d1") >= 500);
    quiesce("d1-quiet");
    List<String> handled = sporeIds(siteB, "d1");
    Map<String, Long> byInstance = siteB.events("HANDLED", "d1").stream()
        .collect(Collectors.groupingBy(event -> event.field(2), TreeMap::new, Collectors.counting()));
    System.out.printf("directed a -> b: %d sent at a, %d handled at b %s, %d at a%n", sent.size(), handled.size(),
        byInstance.values(), siteA.count("HANDLED", "d1"));
    assertThat(handled).doesNotHaveDuplicates();
    assertThat(Set.copyOf(handled)).isEqualTo(sent);
    assertThat(siteA.count("HANDLED", "d1")).isZero();
  }

  @Test
  @Order(3)
  void agentAtSiteIsHandledAtThatSiteOnlyAndUnknownsFail() {
    siteA.command("send", "p-b", "client", "shared@b", "100", "0");
    siteA.command("send", "p-a", "client", "shared@a", "100", "0");
    assertThat(siteA.await("SENDS_DONE", "p-b", WAIT).fields()).containsExactly("p-b", "100", "0");
    assertThat(siteA.await("SENDS_DONE", "p-a", WAIT).fields()).containsExactly("p-a", "100", "0");
    await().atMost(WAIT).until(() -> handled("p-b") >= 100 && handled("p-a") >= 100);
    quiesce("p-quiet");
    System.out.printf("shared@b: %d handled at b, %d at a; shared@a: %d at a, %d at b%n", siteB.count("HANDLED", "p-b"),
        siteA.count("HANDLED", "p-b"), siteA.count("HANDLED", "p-a"), siteB.count("HANDLED", "p-a"));
    assertThat(siteB.count("HANDLED", "p-b")).isEqualTo(100);
    assertThat(siteA.count("HANDLED", "p-b")).isZero();
    assertThat(siteA.count("HANDLED", "p-a")).isEqualTo(100);
    assertThat(siteB.count("HANDLED", "p-a")).isZero();

    siteA.command("send", "u1", "client", "nobody", "1", "0");
    siteA.command("send", "u2", "client", "worker@a", "1", "0");
    siteA.command("send", "u3", "client", "worker@elsewhere", "1", "0");
    for (String batch : List.of("u1", "u2", "u3")) {
      assertThat(siteA.await("SENDS_DONE", batch, WAIT).fields()).as(batch).containsExactly(batch, "0", "1");
      assertThat(siteA.events("SEND_FAILED", batch).get(0).field(3)).as(batch)
          .isEqualTo("UnknownDestinationException");
    }
    System.out.println("unknown: 'nobody', 'worker@a' and 'worker@elsewhere' failed with UnknownDestinationException");
  }

  @Test
  @Order(4)
  void everyRequestFromSiteAIsAnsweredAtBInTheInstanceThatAsked() {
    List<String> askers = siteA.instances("client");
    assertThat(askers).hasSize(2);
    siteA.command("request", "r1", "client", "worker", "100", "20000");
    for (String asker : askers) {
      AgentEvent done = siteA.await(event -> event.is("REQUESTS_DONE", "r1") && event.field(1).equals(asker),
          "REQUESTS_DONE of " + asker, WAIT);
      assertThat(done.fields()).containsExactly("r1", asker, "100", "0");
    }
    // REPLY batch instanceId requestId replyTo echoedAsker echoedN replierPid
    List<AgentEvent> replies = siteA.events("REPLY", "r1");
    assertThat(replies).hasSize(200).allSatisfy(reply -> {
      assertThat(reply.field(3)).isEqualTo(reply.field(2));
      assertThat(reply.field(4)).as("the reply is for the instance that asked").isEqualTo(reply.field(1));
      assertThat(Long.parseLong(reply.field(6))).as("the replier's pid").isEqualTo(siteB.pid());
    });
    assertThat(replies.stream().map(reply -> reply.field(2))).doesNotHaveDuplicates();
    System.out.printf("requests a -> b: %d replies, %d to %s, %d to %s, all from the site-b JVM (pid %d)%n",
        replies.size(), replies.stream().filter(r -> r.field(1).equals(askers.get(0))).count(), askers.get(0),
        replies.stream().filter(r -> r.field(1).equals(askers.get(1))).count(), askers.get(1), siteB.pid());
  }

  @Test
  @Order(5)
  void aBroadcastIsHandledOncePerAgentNameAcrossBothSites() {
    siteA.command("broadcast", "b1", "coordinator");
    siteA.await("BROADCAST_SENT", "b1", WAIT);
    List<String> names = List.of("client", "alpha", "shared", "worker", "beta", "sink");
    await().atMost(WAIT).until(() -> names.stream().allMatch(name -> handledBy(name, "b1") >= 1));
    quiesce("b1-quiet");
    Map<String, Long> perName = new TreeMap<>();
    names.forEach(name -> perName.put(name, handledBy(name, "b1")));
    System.out.println("broadcast from a, handled per agent name: " + perName + " (at a: " + siteA.count("HANDLED", "b1")
        + ", at b: " + siteB.count("HANDLED", "b1") + ")");
    assertThat(perName.values()).allMatch(count -> count == 1);
  }

  @Test
  @Order(6)
  void discoveryListsTheAgentsOfBothSitesWithTheirSite() {
    await().atMost(WAIT).until(() -> sitesOf(observer.directory().agents()).keySet()
        .containsAll(Set.of("client@a", "alpha@a", "shared@a", "worker@b", "beta@b", "shared@b", "sink@b")));
    Map<String, Long> listed = sitesOf(observer.directory().agents());
    System.out.println("discovery at site a (online instances per agent@site): " + listed);
    assertThat(listed).containsEntry("client@a", 2L).containsEntry("worker@b", 2L).containsEntry("sink@b", 1L)
        .containsEntry("shared@a", 1L).containsEntry("shared@b", 1L);
  }

  @Test
  @Order(7)
  void aCutLinkBuffersAtTheSenderAndDrainsOnceHealedWithNothingLostOrHandledTwice() throws Exception {
    int count = 10_000;
    siteA.command("send", "cut", "client", "sink", Integer.toString(count), "250");
    Thread.sleep(5_000);
    long handledBeforeCut = siteB.count("HANDLED", "cut");
    sites.cut();
    long cutAt = System.nanoTime();
    System.out.printf("link cut after %d spores handled at b%n", handledBeforeCut);
    // Presence: b's agents go silent at a; status: the links are down and the backlog grows at a.
    await().atMost(Duration.ofSeconds(25)).until(() -> observer.directory().agents().stream()
        .filter(agent -> agent.agentName().equals("sink")).allMatch(agent -> agent.state() == AgentState.SILENT));
    Thread.sleep(Math.max(0, 20_000 - (System.nanoTime() - cutAt) / 1_000_000));
    List<SiteAdmin.LinkStatus> during = sites.admin().status();
    System.out.println("reef sites status, during the cut:");
    during.forEach(link -> System.out.println("  " + link.render()));
    long handledDuringCut = siteB.count("HANDLED", "cut");
    Thread.sleep(Math.max(0, 30_000 - (System.nanoTime() - cutAt) / 1_000_000));
    sites.heal();
    System.out.printf("healed after %d s; %d handled at b during the cut (in flight before it)%n",
        (System.nanoTime() - cutAt) / 1_000_000_000, handledDuringCut - handledBeforeCut);

    assertThat(siteA.await("SENDS_DONE", "cut", Duration.ofSeconds(60)).fields()).as("sends: batch, ok, failed")
        .containsExactly("cut", Integer.toString(count), "0");
    await().atMost(Duration.ofSeconds(60)).until(() -> siteB.count("HANDLED", "cut") >= count);
    quiesce("cut-quiet");
    // The management API's queue figures lag by its statistics interval (5 s by default).
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
        .until(() -> link(sites.admin().status(), "a", "b").backlog() == 0);
    List<SiteAdmin.LinkStatus> after = sites.admin().status();
    System.out.println("reef sites status, after the heal:");
    after.forEach(link -> System.out.println("  " + link.render()));

    Set<String> sent = siteA.events("SENT", "cut").stream().map(event -> event.field(2)).collect(Collectors.toSet());
    List<String> handled = sporeIds(siteB, "cut");
    Map<String, Long> stats = siteB.stats("cut-stats", WAIT);
    System.out.printf("cut: %d sent (completed) at a, %d handled at b (%d distinct), %d duplicates suppressed at b%n",
        sent.size(), handled.size(), Set.copyOf(handled).size(), stats.getOrDefault("duplicates", -1L));
    SiteAdmin.LinkStatus cutLink = link(during, "a", "b");
    assertThat(cutLink.running()).as("a -> b during the cut").isFalse();
    assertThat(cutLink.backlog()).as("backlog a -> b during the cut").isPositive();
    assertThat(link(after, "a", "b").running()).as("a -> b after the heal").isTrue();
    assertThat(link(after, "a", "b").backlog()).as("backlog a -> b after the heal").isZero();
    assertThat(handled).as("spores handled at b").doesNotHaveDuplicates();
    assertThat(Set.copyOf(handled)).as("every completed send, handled at b").isEqualTo(sent);
    assertThat(observer.directory().agents().stream().filter(agent -> agent.agentName().equals("sink")))
        .allMatch(agent -> agent.state() == AgentState.ONLINE);
  }

  // ---- helpers ----

  private AgentJvm launch(String label, String site, java.util.function.UnaryOperator<AgentJvm.Builder> agents) {
    AgentJvm jvm = agents.apply(AgentJvm.builder(label)).brokerUri(sites.reefUri(site)).namespace(namespace)
        .channel(CHANNEL).launch();
    jvms.add(jvm);
    return jvm;
  }

  private void awaitQueues(String site, String... agents) {
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
      for (String agent : agents) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sites.management(site) + "/api/queues/%2F/" + namespace
            + "." + CHANNEL + "." + agent)).timeout(Duration.ofSeconds(5)).header("Authorization", "Basic "
            + java.util.Base64.getEncoder().encodeToString("guest:guest".getBytes())).GET().build();
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
          return false;
        }
      }
      return true;
    });
  }

  private Map<String, String> federationObjects() {
    HttpClient http = HttpClient.newHttpClient();
    Map<String, String> objects = new TreeMap<>();
    for (String site : List.of("a", "b")) {
      for (String path : List.of("/api/parameters/federation-upstream/%2F", "/api/parameters/federation-upstream-set/%2F",
          "/api/policies/%2F")) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sites.management(site) + path))
            .timeout(Duration.ofSeconds(5)).header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString("guest:guest".getBytes())).GET().build();
        try {
          objects.put(site + path, http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (java.io.IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return objects;
  }

  private static SiteAdmin.LinkStatus link(List<SiteAdmin.LinkStatus> links, String from, String to) {
    return links.stream().filter(link -> link.from().equals(from) && link.to().equals(to)).findFirst().orElseThrow();
  }

  private static Map<String, Long> sitesOf(List<AgentInfo> agents) {
    return agents.stream().filter(agent -> agent.state() == AgentState.ONLINE)
        .collect(Collectors.groupingBy(agent -> agent.agentName() + "@" + agent.site(), TreeMap::new,
            Collectors.counting()));
  }

  private long handled(String batch) {
    return siteA.count("HANDLED", batch) + siteB.count("HANDLED", batch);
  }

  private long handledBy(String agent, String batch) {
    return jvms.stream().flatMap(jvm -> jvm.events("HANDLED", batch).stream())
        .filter(event -> event.field(AGENT).equals(agent)).count();
  }

  private static List<String> sporeIds(AgentJvm jvm, String batch) {
    return jvm.events("HANDLED", batch).stream().map(event -> event.field(SPORE_ID)).toList();
  }

  private void quiesce(String batch) {
    for (AgentJvm jvm : jvms) {
      assertThat(jvm.quiesce(batch, Duration.ofSeconds(20))).as("%s quiet", jvm.label()).isTrue();
    }
  }
}
