package dev.reef.amqp.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a queue of numbered spores holds, read without settling anything: how many copies of each
 * knowledge field {@code n} wait there. A test that counts spores by total alone cannot tell a lost
 * spore plus a duplicate from neither; one that reads the numbers can say which went where.
 */
final class QueuedNumbers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private QueuedNumbers() {}

  /**
   * Copies of each {@code n} in {@code queue}: consumes its {@code expected} ready messages without
   * acknowledging them (closing the channel returns them all), waiting at most {@code within}. Nothing
   * else may consume the queue meanwhile.
   *
   * @throws AssertionError when fewer than {@code expected} arrive in time, or a body has no {@code n}
   */
  static Map<Long, Integer> in(PrivateRabbitNode node, String queue, long expected, Duration within) {
    Map<Long, Integer> copies = new HashMap<>(); // guarded by itself
    List<String> unnumbered = new ArrayList<>(); // guarded by copies
    CountDownLatch all = new CountDownLatch(1);
    try (Connection connection = node.rawConnection("queued-numbers")) {
      if (expected == 0) {
        return copies;
      }
      Channel channel = connection.createChannel();
      channel.basicQos(0); // no window: nothing is acknowledged, so a window would stop the read at its size
      channel.basicConsume(queue, false, new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
          synchronized (copies) {
            Long n = number(body);
            if (n == null) {
              unnumbered.add(new String(body, StandardCharsets.UTF_8));
            } else {
              copies.merge(n, 1, Integer::sum);
            }
            if (envelope.getDeliveryTag() == expected) {
              all.countDown();
            }
          }
        }
      });
      boolean complete = all.await(within.toMillis(), TimeUnit.MILLISECONDS);
      synchronized (copies) {
        if (!complete) {
          throw new AssertionError("read " + copies.values().stream().mapToInt(Integer::intValue).sum() + " of the "
              + expected + " messages of " + queue + " in " + within.toSeconds() + " s");
        }
        if (!unnumbered.isEmpty()) {
          throw new AssertionError(unnumbered.size() + " message(s) of " + queue + " have no number n, e.g. "
              + unnumbered.get(0));
        }
        return new HashMap<>(copies);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read queue " + queue + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted reading queue " + queue, e);
    }
  }

  private static Long number(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body).get("n");
      return n != null && n.canConvertToLong() ? n.asLong() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
