package dev.reef.amqp.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * A RabbitMQ cluster of {@link PrivateRabbitNode}s: they share an Erlang cookie, and every node but
 * the first joins the first ({@code stop_app}, {@code reset}, {@code join_cluster}, {@code start_app}).
 * {@link #close()} closes every node, stopped or not.
 *
 * <pre>{@code
 * try (PrivateRabbitCluster cluster = PrivateRabbitCluster.start("reef-cluster", 3)) {
 *   String uri = cluster.node(0).amqpUri() + "?addresses=" + cluster.addresses() + "&queue_type=quorum";
 *   cluster.node(1).stop();
 * }
 * }</pre>
 */
public final class PrivateRabbitCluster implements AutoCloseable {
  private final List<PrivateRabbitNode> nodes;

  private PrivateRabbitCluster(List<PrivateRabbitNode> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts {@code size} nodes (at once) and clusters them.
   *
   * @throws IllegalStateException when a node does not start or join; no node is left running
   */
  public static PrivateRabbitCluster start(String namePrefix, int size) {
    return start(namePrefix, size, (index, builder) -> builder);
  }

  /**
   * Starts {@code size} nodes as {@link #start(String, int)} does, each with {@code settings} applied to
   * its builder (given the node's index): plugins, listeners.
   */
  public static PrivateRabbitCluster start(String namePrefix, int size,
      java.util.function.BiFunction<Integer, PrivateRabbitNode.Builder, PrivateRabbitNode.Builder> settings) {
    if (size < 1) {
      throw new IllegalArgumentException("a cluster has at least one node, got " + size);
    }
    String cookie = UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
    List<CompletableFuture<PrivateRabbitNode>> starting = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String prefix = namePrefix + "-" + i;
      int index = i;
      starting.add(CompletableFuture.supplyAsync(() -> settings.apply(index, PrivateRabbitNode.builder()
          .namePrefix(prefix).erlangCookie(cookie)).start()));
    }
    List<PrivateRabbitNode> started = new ArrayList<>();
    RuntimeException failure = null;
    for (CompletableFuture<PrivateRabbitNode> node : starting) {
      try {
        started.add(node.join());
      } catch (CompletionException e) {
        failure = e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
    PrivateRabbitCluster cluster = new PrivateRabbitCluster(started);
    try {
      if (failure != null) {
        throw failure;
      }
      cluster.join();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void join() {
    PrivateRabbitNode first = nodes.get(0);
    for (PrivateRabbitNode node : nodes.subList(1, nodes.size())) {
      node.rabbitmqctl("stop_app");
      node.rabbitmqctl("reset");
      node.rabbitmqctl("join_cluster", first.nodeName());
      node.rabbitmqctl("start_app");
    }
    String status = first.rabbitmqctl("cluster_status");
    for (PrivateRabbitNode node : nodes) {
      if (!status.contains(node.nodeName())) {
        throw new IllegalStateException(node.nodeName() + " is not in the cluster:\n" + status);
      }
    }
  }

  /** The node at {@code index}, in the order they were started (the first is the one the others joined). */
  public PrivateRabbitNode node(int index) {
    return nodes.get(index);
  }

  /** Every node, running or stopped. */
  public List<PrivateRabbitNode> nodes() {
    return nodes;
  }

  /** {@code 127.0.0.1:PORT,...} of every node, for the backend's {@code addresses} option. */
  public String addresses() {
    return nodes.stream().map(node -> "127.0.0.1:" + node.amqpPort()).collect(Collectors.joining(","));
  }

  /** Closes every node (killed, directory deleted). Idempotent. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (PrivateRabbitNode node : nodes) {
      try {
        node.close();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "PrivateRabbitCluster" + nodes;
  }
}
