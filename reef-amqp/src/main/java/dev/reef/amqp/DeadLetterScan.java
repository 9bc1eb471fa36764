package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.reef.DeadLetter;
import dev.reef.ReefException;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over the dead-letter queue, oldest first, on a channel of its own: each message is taken
 * with {@code basic.get} and held unacknowledged, so that a message the pass does not remove ({@link
 * #remove}) goes back to its place when the pass closes. The pass ends at the end of the queue, or
 * after as many messages as the queue held when it began, so that what a replay sends back and
 * fails again is not met twice. A queue that does not exist is an empty one: reading declares
 * nothing.
 *
 * <p>Each dead letter's id is its spore's id; when an earlier letter of the pass already has that id
 * (a broadcast dead-lettered by two agents), the agent is appended: {@code ID@AGENT}.
 */
final class DeadLetterScan implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterScan.class);
  /** One dead letter of the pass, and the delivery tag that removes it. */
  record Found(long tag, DeadLetter letter, String baseId) {

    /** True when {@code id} names this letter: its id, or its spore id and agent as {@code ID@AGENT}. */
    boolean isNamed(String id) {
      return letter.id().equals(id) || id.equals(baseId + "@" + letter.agent());
    }
  }

  private final Channel channel;
  private final String queue;
  private final Function<GetResponse, DeadLetterFormat.Entry> reader;
  private final Set<String> ids = new HashSet<>();
  private long left;

  private DeadLetterScan(Channel channel, String queue, Function<GetResponse, DeadLetterFormat.Entry> reader,
      long left) {
    this.channel = channel;
    this.queue = queue;
    this.reader = reader;
    this.left = left;
  }

  /**
   * Begins a pass over {@code queue}.
   *
   * @param reader what a message of the queue holds
   * @throws ReefException when the broker cannot be asked
   */
  static DeadLetterScan begin(Connection connection, String queue,
      Function<GetResponse, DeadLetterFormat.Entry> reader) {
    Channel channel = open(connection);
    long count;
    try {
      count = channel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      String reason = BrokerReason.of(e);
      if (!reason.startsWith("404 ")) {
        throw new ReefException("could not read the dead letters in " + queue + ": " + reason, e);
      }
      count = 0; // no dead letters were ever written; the failed check closed the channel
    }
    return new DeadLetterScan(channel, queue, reader, count);
  }

  /** The next dead letter, or null at the end of the pass. */
  Found next() {
    if (left <= 0) {
      return null;
    }
    GetResponse response;
    try {
      response = channel.basicGet(queue, false);
    } catch (IOException e) {
      throw new ReefException("could not read the dead letters in " + queue + ": " + BrokerReason.of(e), e);
    }
    if (response == null) {
      left = 0;
      return null;
    }
    left--;
    DeadLetterFormat.Entry entry = reader.apply(response);
    String id = entry.baseId();
    if (!ids.add(id)) {
      String withAgent = entry.baseId() + "@" + entry.agent();
      id = withAgent;
      for (int n = 2; !ids.add(id); n++) {
        id = withAgent + "~" + n; // the same spore dead-lettered twice by one agent (a re-sent publish)
      }
    }
    return new Found(response.getEnvelope().getDeliveryTag(), entry.letter().id(id).build(), entry.baseId());
  }

  /**
   * Removes the dead letter {@code tag} from the queue for good.
   *
   * @throws IOException when the broker could not be told (the letter then stays)
   */
  void remove(long tag) throws IOException {
    channel.basicAck(tag, false);
  }

  /**
   * Ends the pass: every message not removed goes back to the queue, in its place. They are given
   * back explicitly, and a question to the queue on the same channel waits until the queue has them
   * (it answers in order), so that the next pass finds them all: closing the channel alone gives them
   * back some time after it returns.
   */
  @Override
  public void close() {
    try {
      if (channel.isOpen()) {
        channel.basicNack(0, true, true); // every message of this channel not yet acknowledged
        channel.queueDeclarePassive(queue);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("giving back the dead letters read: {}", e.toString()); // closing gives them back anyway
    }
    Quietly.close(channel, "a dead-letter channel");
  }

  private static Channel open(Connection connection) {
    try {
      Channel channel = connection.createChannel();
      if (channel == null) {
        throw new ReefException("the broker has no channel left for this connection");
      }
      return channel;
    } catch (IOException e) {
      throw new ReefException("could not open a channel to read the dead letters: " + BrokerReason.of(e), e);
    }
  }
}
