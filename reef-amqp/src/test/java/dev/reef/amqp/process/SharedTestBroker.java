package dev.reef.amqp.process;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.reef.amqp.TestBroker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The shared test broker as the cross-process tests see it: its URI, to hand to agent JVMs, and the
 * removal of what those JVMs declared in a namespace, which the test JVM cannot learn from their
 * backends.
 *
 * <p>The broker is the one {@link TestBroker} finds ({@code REEF_AMQP_URI}, else localhost:5672,
 * else Testcontainers).
 */
public final class SharedTestBroker {
  private SharedTestBroker() {}

  /** The broker's URI (user and password included: pass it on in the environment, never print it). */
  public static String uri() {
    return TestBroker.uri();
  }

  /** How many messages wait in {@code queue}. */
  public static long messageCount(String queue) {
    try (Connection connection = TestBroker.rawConnection(); Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException | TimeoutException e) {
      throw new IllegalStateException("cannot read the depth of queue " + queue + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the durable objects (SPEC §5) that Reefs with these channels and agents declare in
   * {@code namespace}: channel exchanges, agent queues and their expired-spore queues, dead letters,
   * retry exchange and presence exchange. Reply and presence queues are exclusive: the broker deletes
   * them with their connection. Retry delay queues are not deleted: the tests using this make none.
   */
  public static void deleteTopology(String namespace, Collection<String> channels, Collection<String> agents) {
    List<String> queues = new ArrayList<>(List.of(namespace + ".dead"));
    List<String> exchanges = new ArrayList<>(List.of(namespace + ".dead", namespace + ".retry",
        namespace + ".presence"));
    for (String channel : channels) {
      exchanges.add(namespace + "." + channel);
      exchanges.add(namespace + "." + channel + ".history");
      for (String agent : agents) {
        queues.add(namespace + "." + channel + "." + agent);
        queues.add(namespace + "." + channel + "." + agent + ".expired");
      }
    }
    TestBroker.delete(queues, exchanges);
  }
}
