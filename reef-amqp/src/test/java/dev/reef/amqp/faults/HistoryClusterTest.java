package dev.reef.amqp.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.HistoryEntry;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRetention;
import dev.reef.Reef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channel history, acceptance 3 (SPEC §3.16, §5): on a private three-node cluster with streams, the
 * history stream (replicated on every node) survives stopping the node that leads it, and a full
 * restart of the cluster; nothing read before is lost, and what was confirmed meanwhile is there.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HistoryClusterTest {
  private static final String CHANNEL = "audit";
  private static final int BEFORE = 2_000;
  private static final int DURING = 1_000;

  private PrivateRabbitCluster cluster;
  private final int[] streamPorts = PrivateRabbitNode.freePorts(3);

  @BeforeEach
  void startTheCluster() {
    cluster = PrivateRabbitCluster.start("reef-history", 3, (index, node) -> node.streams(streamPorts[index]));
  }

  @AfterEach
  void stopTheCluster() {
    cluster.close();
  }

  @Test
  void historySurvivesLosingTheStreamLeaderAndAFullRestart() throws Exception {
    String namespace = "hist";
    String stream = namespace + "." + CHANNEL + ".history";
    Set<String> confirmed = new HashSet<>();
    List<String> readBefore;
    try (Reef reef = connect(namespace)) {
      Channel channel = reef.channel(CHANNEL);
      channel.subscribe("sink", (spore, context) -> null);
      channel.history().keep(HistoryRetention.maxAge(Duration.ofDays(1)));
      confirmed.addAll(send(channel, 0, BEFORE));
      readBefore = ids(channel);
      assertThat(readBefore).containsExactlyInAnyOrderElementsOf(confirmed);
      System.out.printf("history cluster: %d spores confirmed and read before any loss%n", readBefore.size());

      PrivateRabbitNode leader = leaderOf(stream);
      System.out.printf("history cluster: stopping %s, the leader of %s%n", leader.nodeName(), stream);
      leader.stop();
      Set<String> during = sendUntilConfirmed(channel, BEFORE, DURING);
      confirmed.addAll(during);
      List<String> afterLoss = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions().until(() -> ids(channel), read -> read.size() >= confirmed.size());
      assertThat(afterLoss).as("with the leader stopped").containsAll(readBefore).containsAll(during)
          .doesNotHaveDuplicates();
      System.out.printf("history cluster: leader stopped; %d confirmed meanwhile; %d read (all %d before included)%n",
          during.size(), afterLoss.size(), readBefore.size());
      leader.restart();
    }

    List<CompletableFuture<Void>> stopping = cluster.nodes().stream()
        .map(node -> CompletableFuture.runAsync(node::stop)).toList();
    stopping.forEach(CompletableFuture::join);
    List<CompletableFuture<Void>> starting = cluster.nodes().stream()
        .map(node -> CompletableFuture.runAsync(node::restart)).toList();
    starting.forEach(CompletableFuture::join);
    System.out.println("history cluster: every node stopped and started again");

    try (Reef reef = connect(namespace)) {
      Channel channel = reef.channel(CHANNEL);
      List<String> afterRestart = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions().until(() -> ids(channel), read -> read.size() >= confirmed.size());
      assertThat(afterRestart).as("after a full restart").containsExactlyInAnyOrderElementsOf(confirmed);
      System.out.printf("history cluster: after a full restart, %d read of %d confirmed, none lost%n",
          afterRestart.size(), confirmed.size());
    }
  }

  private Reef connect(String namespace) {
    String addresses = cluster.addresses();
    String streams = java.util.Arrays.stream(streamPorts).mapToObj(port -> "127.0.0.1:" + port)
        .collect(Collectors.joining(","));
    return Reef.builder().uri(cluster.node(0).amqpUri() + "?addresses=" + addresses + "&queue_type=quorum"
        + "&stream_addresses=" + streams).namespace(namespace).build();
  }

  private static List<String> ids(Channel channel) {
    return channel.history().read(HistoryQuery.all()).entries().stream().map(HistoryEntry::spore)
        .map(spore -> spore.id()).toList();
  }

  private static Set<String> send(Channel channel, int from, int count) {
    Set<String> ids = new HashSet<>();
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    List<String> sent = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      dev.reef.spore.Spore spore = dev.reef.spore.Spore.builder(dev.reef.spore.SporeType.KNOWLEDGE).from("auditor")
          .to("sink").knowledge(Map.of("n", i)).build();
      sent.add(spore.id());
      sends.add(channel.send(spore));
    }
    for (int i = 0; i < sends.size(); i++) {
      if (!sends.get(i).handle((ok, error) -> error == null).join()) {
        continue; // not confirmed: not promised to be anywhere
      }
      ids.add(sent.get(i));
    }
    return ids;
  }

  /** Sends until {@code count} sends are confirmed while the cluster recovers from the loss of a node. */
  private static Set<String> sendUntilConfirmed(Channel channel, int from, int count) {
    Set<String> confirmed = new HashSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    int next = from;
    while (confirmed.size() < count && System.nanoTime() < deadline) {
      confirmed.addAll(send(channel, next, Math.min(100, count - confirmed.size())));
      next += 100;
    }
    assertThat(confirmed).as("sends confirmed while a node was down").hasSize(count);
    return confirmed;
  }

  private PrivateRabbitNode leaderOf(String stream) {
    PrivateRabbitNode any = cluster.node(0);
    String listing = any.rabbitmqctl("list_queues", "--quiet", "--no-table-headers", "name", "leader");
    String leader = listing.lines().map(line -> line.trim().split("\\s+"))
        .filter(columns -> columns.length == 2 && columns[0].equals(stream)).map(columns -> columns[1])
        .findFirst().orElseThrow(() -> new AssertionError("no leader for " + stream + " in:\n" + listing));
    return cluster.nodes().stream().filter(node -> node.nodeName().equals(leader)).findFirst()
        .orElseThrow(() -> new AssertionError("leader " + leader + " is not a node of " + cluster));
  }
}
