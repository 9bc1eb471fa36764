package dev.reef.amqp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.reef.amqp.TestBroker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The private node the fault tests break: a broker of its own, that keeps its data when stopped or
 * killed and restarted, and leaves nothing behind when closed. Starting a node takes seconds, so the
 * tests share one; each leaves it running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrivateRabbitNodeTest {
  /** The name of this test's client connections. */
  private static final String CLIENT = "private-node-test";
  private PrivateRabbitNode node;

  @BeforeAll
  void startTheNode() {
    node = PrivateRabbitNode.start();
  }

  @AfterAll
  void closeTheNode() {
    node.close();
  }

  @Test
  void aPrivateNodeIsABrokerApartFromTheSharedOneThatRabbitmqctlReaches() throws Exception {
    String queue = durableQueueWithOneMessage("apart");

    assertThat(node.rabbitmqctl("list_queues", "name", "messages")).containsPattern(queue + "\\s+1");
    assertThat(TestBroker.queueExists(queue)).as("the shared broker has the private node's queue").isFalse();
    deleteQueue(queue);
  }

  @Test
  void durableMessagesSurviveAStopAndARestart() throws Exception {
    String queue = durableQueueWithOneMessage("stopped");

    node.stop();
    assertThat(node.isRunning()).isFalse();
    assertThat(accepts(node.amqpPort())).as("AMQP port of the stopped node").isFalse();
    node.restart();

    assertThat(node.isRunning()).isTrue();
    assertThat(takeOne(queue)).isEqualTo("kept");
    deleteQueue(queue);
  }

  @Test
  void durableMessagesSurviveAKillAndARestart() throws Exception {
    String queue = durableQueueWithOneMessage("killed");
    // The message is on disk once confirmed; the queue's declaration lives in Mnesia's log, which the
    // node writes out in the background, so a kill right after the declare could lose the queue itself
    // (a fresh-clone CI run saw "no queue" after the restart). This test is about the message.
    assertThat(node.rabbitmqctl("eval", "mnesia:sync_log().")).as("Mnesia's log written out").contains("ok");

    node.kill();
    assertThat(node.isRunning()).isFalse();
    assertThat(accepts(node.amqpPort())).as("AMQP port of the killed node").isFalse();
    node.restart();

    assertThat(takeOne(queue)).as("a confirmed persistent message is on disk").isEqualTo("kept");
    deleteQueue(queue);
  }

  @Test
  void aClosedNodeLeavesNoProcessPortOrFileBehind() {
    PrivateRabbitNode other = PrivateRabbitNode.start();
    Path directory = other.directory();
    assertThat(other.nodeName()).isNotEqualTo(node.nodeName());
    assertThat(other.amqpPort()).isNotEqualTo(node.amqpPort());

    other.close();

    assertThat(other.isRunning()).isFalse();
    assertThat(accepts(other.amqpPort())).as("AMQP port of the closed node").isFalse();
    assertThat(directory).doesNotExist();
    assertThatThrownBy(other::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(accepts(node.amqpPort())).as("the other node runs on").isTrue();
  }

  private String durableQueueWithOneMessage(String name) throws Exception {
    String queue = "reef-private-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection connection = node.rawConnection(CLIENT); Channel channel = connection.createChannel()) {
      channel.queueDeclare(queue, true, false, false, null);
      channel.confirmSelect();
      channel.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, "kept".getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
    }
    return queue;
  }

  private String takeOne(String queue) throws Exception {
    try (Connection connection = node.rawConnection(CLIENT); Channel channel = connection.createChannel()) {
      GetResponse message = channel.basicGet(queue, true);
      assertThat(message).as("a message in %s", queue).isNotNull();
      return new String(message.getBody(), StandardCharsets.UTF_8);
    }
  }

  private void deleteQueue(String queue) throws Exception {
    try (Connection connection = node.rawConnection(CLIENT); Channel channel = connection.createChannel()) {
      channel.queueDelete(queue);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
