package dev.reef.amqp.faults;

import static dev.reef.amqp.faults.FaultEvents.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import dev.reef.Channel;
import dev.reef.QueueFullException;
import dev.reef.Reef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A channel the broker strands, and how a Reef gets out of it. On RabbitMQ 3.10, a channel's first
 * publish to a quorum queue asks the node that the queue's record names as leader for its machine
 * version; when that node is down the publish is refused (a nack) and the channel's view of the queue
 * stays as it was, so every later publish on that channel asks the same stopped node again and is
 * refused too, for as long as the channel lives, even once a new leader serves the queue. A fresh
 * channel reads the queue's record again and is served. (RabbitMQ removed that version check in 3.11
 * and 3.12: rabbitmq-server#9221.) It is what stopped the sender of a {@link ClusterNodeLossTest} run:
 * its channel, opened again after its node stopped, was refused 58,702 publishes in a minute.
 *
 * <p>A Reef replaces a channel on which every publish has been refused for a while (1 s, then twice as
 * long each time, up to 30 s): this test strands its sender's channel on purpose and sees its sends
 * go through again once the queue has a leader, while a raw client's channel stranded beside it is
 * still refused.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StrandedPublishChannelTest {
  private static final String NAMESPACE = "strand";
  private static final String CHANNEL = "c";
  private static final String AGENT = "sink";
  private static final String QUEUE = NAMESPACE + "." + CHANNEL + "." + AGENT;
  private static final Duration CONFIRM = Duration.ofSeconds(10);
  /** The longest wait between fresh channels, and a margin for the election. */
  private static final Duration RECOVERY = Duration.ofSeconds(50);
  private static final Duration PAUSE = Duration.ofMillis(200);

  private PrivateRabbitCluster cluster;

  @BeforeEach
  void startTheCluster() {
    cluster = PrivateRabbitCluster.start("reef-strand", 3);
  }

  @AfterEach
  void stopTheCluster() {
    cluster.close();
  }

  @Test
  void aChannelStrandedByAStoppedQueueLeaderIsReplacedAndSendsGoThroughAgain() throws Exception {
    PrivateRabbitNode first = cluster.node(0);
    PrivateRabbitNode second = cluster.node(1);
    PrivateRabbitNode third = cluster.node(2);
    // The agent's queue is declared through the first node, so that it leads the queue (client-local).
    try (Reef receiver = reefOn(first)) {
      receiver.channel(CHANNEL).subscribe(AGENT, (spore, context) -> null);
    }
    assertThat(recordedLeader(third)).as("the leader of " + QUEUE).isEqualTo(first.nodeName());

    // Both stopped at once, as a power cut would: no election in between, so the queue's record still
    // names the first node as its leader, and the third cannot elect one alone.
    CompletableFuture.allOf(CompletableFuture.runAsync(first::kill), CompletableFuture.runAsync(second::kill)).join();
    assertThat(recordedLeader(third)).as("the leader the queue's record names, with no majority")
        .isEqualTo(first.nodeName());
    try (Connection raw = third.rawConnection("stranded-channel-test"); Reef sender = reefOn(third)) {
      com.rabbitmq.client.Channel stranded = raw.createChannel();
      stranded.confirmSelect();
      assertThat(publish(stranded)).as("a publish to a queue whose recorded leader is down").isEqualTo(Verdict.REFUSED);
      Channel channel = sender.channel(CHANNEL);
      assertThatThrownBy(() -> channel.send("source", AGENT, Map.of("n", 0))
          .get(CONFIRM.toSeconds() + 5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(QueueFullException.class);

      second.restart();
      long majority = System.nanoTime();
      // The queue elects a leader among the two running members: a fresh channel is served.
      Awaitility.await("a fresh channel's publish acked").atMost(RECOVERY).pollInterval(PAUSE).until(() -> {
        try (com.rabbitmq.client.Channel fresh = raw.createChannel()) {
          fresh.confirmSelect();
          return publish(fresh) == Verdict.ACKED;
        }
      });
      long served = System.nanoTime();
      assertThat(publish(stranded))
          .as("the channel that first published while the leader was down is still refused once a leader serves"
              + " the queue (RabbitMQ 3.10's quorum-queue client; without this the test shows nothing)")
          .isEqualTo(Verdict.REFUSED);

      Map<String, Integer> failures = new TreeMap<>();
      int[] sent = {0};
      Awaitility.await("a send of the Reef stranded beside it confirmed").atMost(RECOVERY).pollInterval(PAUSE)
          .until(() -> {
            try {
              channel.send("source", AGENT, Map.of("n", ++sent[0])).get(CONFIRM.toSeconds() + 5, TimeUnit.SECONDS);
              return true;
            } catch (ExecutionException e) {
              failures.merge(e.getCause().getClass().getSimpleName(), 1, Integer::sum);
              return false;
            }
          });
      long through = System.nanoTime();
      System.out.printf("stranded channel: a fresh channel served %.1f s after the majority came back; the Reef's"
              + " sends went through %.1f s after that, at send %d (failures before: %s)%n",
          seconds(served - majority), seconds(through - served), sent[0], failures);
      assertThat(failures.keySet()).as("how sends failed before").isSubsetOf("QueueFullException");
      assertThat(recordedLeader(third)).as("the queue's leader now").isIn(second.nodeName(), third.nodeName());
    }
  }

  private static Reef reefOn(PrivateRabbitNode node) {
    return Reef.builder().uri(node.amqpUri() + "?queue_type=quorum&confirm_timeout_ms=" + CONFIRM.toMillis())
        .namespace(NAMESPACE).build();
  }

  /** What the broker said of a publish. */
  private enum Verdict { ACKED, REFUSED, NONE_WITHIN_THE_CONFIRM_TIMEOUT }

  /** Publishes one persistent message straight to the agent's queue on {@code channel}, in confirm mode. */
  private static Verdict publish(com.rabbitmq.client.Channel channel) throws Exception {
    channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC, "{}".getBytes(StandardCharsets.UTF_8));
    try {
      return channel.waitForConfirms(CONFIRM.toMillis()) ? Verdict.ACKED : Verdict.REFUSED;
    } catch (TimeoutException e) {
      return Verdict.NONE_WITHIN_THE_CONFIRM_TIMEOUT;
    }
  }

  /**
   * The node the agent's queue record names as its leader, read on {@code node}: where a channel's first
   * publish to the queue goes (the CLI's {@code list_queues} shows nothing for a queue without a majority).
   */
  private static String recordedLeader(PrivateRabbitNode node) {
    String printed = node.rabbitmqctl("eval", "element(2, amqqueue:get_pid(element(2, rabbit_amqqueue:lookup("
        + "rabbit_misc:r(<<\"/\">>, queue, <<\"" + QUEUE + "\">>))))).").trim();
    return printed.replace("'", "");
  }
}
