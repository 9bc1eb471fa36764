package dev.reef.amqp;

import dev.reef.ReefException;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the broker about queues that may or may not exist, with passive declares (which create
 * nothing), empties them, and deletes queues and exchanges. What {@link Topology} declares is its
 * business; this class only looks at and removes what is there, so a missing object is an answer
 * here, not an error.
 *
 * <p>Every request goes through the {@link BrokerCalls} it shares with the topology and waits one
 * RPC timeout at most.
 */
final class BrokerQueues {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerQueues.class);

  private final BrokerCalls calls;

  BrokerQueues(BrokerCalls calls) {
    this.calls = calls;
  }

  /**
   * The number of ready messages in {@code queue}; 0 when it does not exist (nothing waits in it).
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  long messageCount(String queue) {
    return readyMessages(queue).orElse(0);
  }

  /**
   * The number of ready messages in {@code queue}; empty when it does not exist.
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  OptionalLong readyMessages(String queue) {
    try {
      return OptionalLong.of(calls.call("count the messages of queue " + queue,
          ch -> (long) ch.queueDeclarePassive(queue).getMessageCount(), calls.deadline()));
    } catch (ReefException e) {
      if (BrokerReason.of(e).startsWith("404 ")) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  /**
   * True while {@code queue} exists; a queue exclusive to another connection exists (the broker says
   * it is locked).
   *
   * @throws ReefException when the broker cannot tell (unreachable, or no answer in time)
   */
  boolean exists(String queue) {
    try {
      calls.call("look for queue " + queue, ch -> ch.queueDeclarePassive(queue), calls.deadline());
      return true;
    } catch (ReefException e) {
      String reason = BrokerReason.of(e);
      if (reason.startsWith("404 ")) {
        return false;
      }
      if (reason.startsWith("405 ")) {
        return true; // RESOURCE_LOCKED: exclusive to its owner's connection, which is alive
      }
      throw e;
    }
  }

  /** Empties {@code queue} if it exists; returns how many messages it held. */
  int purgeIfExists(String queue) {
    try {
      return calls.call("purge queue " + queue, ch -> ch.queuePurge(queue).getMessageCount(), calls.deadline());
    } catch (ReefException e) {
      if (BrokerReason.of(e).startsWith("404 ")) {
        return 0;
      }
      throw e;
    }
  }

  /**
   * Deletes these queues and exchanges, messages included; returns how many existed. Queues
   * exclusive to other connections (reply and presence queues) cannot be deleted here, and go with
   * their connections. The topology must then {@linkplain Topology#forget() forget} what it declared.
   */
  int delete(List<String> queueNames, List<String> exchangeNames) {
    int deleted = 0;
    for (String queue : queueNames) {
      deleted += deleteObject("queue " + queue, ch -> ch.queueDelete(queue)) ? 1 : 0;
    }
    for (String exchange : exchangeNames) {
      deleted += deleteObject("exchange " + exchange, ch -> ch.exchangeDelete(exchange)) ? 1 : 0;
    }
    return deleted;
  }

  /** Deletes one object; true when it existed and is gone, false when it did not exist or was locked. */
  private boolean deleteObject(String what, BrokerCalls.Request<?> deletion) {
    try {
      calls.call("delete " + what, deletion, calls.deadline());
      return true;
    } catch (ReefException e) {
      String reason = BrokerReason.of(e);
      if (reason.startsWith("404 ") || reason.startsWith("405 ")) {
        LOG.debug("did not delete {}: {}", what, reason);
        return false;
      }
      throw e;
    }
  }
}
