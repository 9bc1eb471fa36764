package dev.reef.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.reef.codec.Timestamps;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.Directory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who runs where, across every process on the namespace (SPEC §5 presence), for scatter-gather and
 * for tools that list who is online.
 *
 * <p>Each connection announces its agent instances on the fanout exchange {@code ns.presence}
 * whenever one starts or stops, and every heartbeat interval; a newcomer says hello, and everyone
 * answers with an announcement. Each connection keeps the last announcement of every other one in
 * its exclusive queue {@code ns.presence.ID}. A process that misses three heartbeats went silent: it
 * is listed as offline and no longer offered to scatter-gather.
 */
final class Presence implements Directory {
  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final int MISSED_HEARTBEATS = 3;
  private static final int FORGOTTEN_AFTER_HEARTBEATS = 20;

  private record Instance(String agent, String instanceId, String channel, Set<String> capabilities, Instant startedAt) {}

  private record Peer(String host, Duration heartbeat, List<Instance> instances, Instant lastSeen, long seenNanos) {}

  private final String connectionId = UUID.randomUUID().toString();
  private final String host;
  private final Topology topology;
  private final ConfirmingPublisher publisher;
  private final Duration heartbeat;
  private final Map<String, Instance> local = new ConcurrentHashMap<>();
  private final Map<String, Peer> peers = new ConcurrentHashMap<>();
  private volatile Channel channel;
  private volatile ScheduledFuture<?> heartbeats;

  Presence(String host, Topology topology, ConfirmingPublisher publisher, Duration heartbeat) {
    this.host = host;
    this.topology = topology;
    this.publisher = publisher;
    this.heartbeat = heartbeat;
  }

  /** Starts listening on {@code connection} and announcing every heartbeat. */
  void start(Connection connection, ScheduledExecutorService timer) throws IOException {
    String exchange = topology.presenceExchange();
    String queue = topology.names().presenceQueue(connectionId);
    Channel listening = connection.createChannel();
    if (listening == null) {
      throw new IOException("the broker has no channel left for this connection");
    }
    listening.queueDeclare(queue, false, true, true, Map.of("x-message-ttl", heartbeat.toMillis() * MISSED_HEARTBEATS));
    listening.queueBind(queue, exchange, "");
    listening.basicConsume(queue, true, "reef-presence", new DefaultConsumer(listening) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        received(body);
      }
    });
    channel = listening;
    send("hello");
    heartbeats = timer.scheduleAtFixedRate(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records a local instance and announces it; the future completes once the broker has the news. */
  CompletableFuture<Void> joined(ConsumerSpec spec) {
    local.put(spec.instanceId() + "@" + spec.channel(), new Instance(spec.agentName(), spec.instanceId(),
        spec.channel(), spec.capabilities(), Instant.now()));
    return send("announce");
  }

  /** Forgets a local instance and announces that. */
  void left(ConsumerSpec spec) {
    if (local.remove(spec.instanceId() + "@" + spec.channel()) != null && channel != null) {
      send("announce");
    }
  }

  @Override
  public Set<String> agentsOn(String channelName) {
    Set<String> agents = new TreeSet<>();
    for (Instance instance : liveInstances()) {
      if (instance.channel().equals(channelName)) {
        agents.add(instance.agent());
      }
    }
    return agents;
  }

  @Override
  public Set<String> agentsWithCapability(String channelName, String capability) {
    Set<String> agents = new TreeSet<>();
    for (Instance instance : liveInstances()) {
      if (instance.channel().equals(channelName) && instance.capabilities().contains(capability)) {
        agents.add(instance.agent());
      }
    }
    return agents;
  }

  /** Every instance known: this process's own, and those other processes announced, online or silent. */
  List<AgentPresence> snapshot() {
    List<AgentPresence> all = new ArrayList<>();
    Instant now = Instant.now();
    for (Instance instance : local.values()) {
      all.add(presence(instance, host, now, true));
    }
    long nowNanos = System.nanoTime();
    for (Peer peer : peers.values()) {
      boolean online = isOnline(peer, nowNanos);
      for (Instance instance : peer.instances()) {
        all.add(presence(instance, peer.host(), peer.lastSeen(), online));
      }
    }
    return all;
  }

  private static AgentPresence presence(Instance instance, String host, Instant lastSeen, boolean online) {
    return new AgentPresence(instance.agent(), instance.instanceId(), instance.channel(), instance.capabilities(), host,
        instance.startedAt(), lastSeen, online);
  }

  private List<Instance> liveInstances() {
    List<Instance> live = new ArrayList<>(local.values());
    long now = System.nanoTime();
    for (Peer peer : peers.values()) {
      if (isOnline(peer, now)) {
        live.addAll(peer.instances());
      }
    }
    return live;
  }

  private static boolean isOnline(Peer peer, long nowNanos) {
    return nowNanos - peer.seenNanos() < peer.heartbeat().multipliedBy(MISSED_HEARTBEATS).toNanos();
  }

  private void beat() {
    try {
      send("announce");
      long now = System.nanoTime();
      peers.values().removeIf(peer ->
          now - peer.seenNanos() > peer.heartbeat().multipliedBy(FORGOTTEN_AFTER_HEARTBEATS).toNanos());
    } catch (RuntimeException e) {
      LOG.warn("presence heartbeat failed: {}", e.toString());
    }
  }

  private void received(byte[] body) {
    try {
      JsonNode message = MAPPER.readTree(body);
      String from = message.path("connection").asText("");
      if (from.isEmpty() || from.equals(connectionId)) {
        return;
      }
      switch (message.path("kind").asText("")) {
        case "hello" -> {
          peers.putIfAbsent(from, peer(message, List.of()));
          send("announce");
        }
        case "announce" -> peers.put(from, peer(message, instances(message)));
        case "leave" -> peers.remove(from);
        default -> LOG.debug("ignoring a presence message of unknown kind: {}", message.path("kind"));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring a presence message that could not be read: {}", e.toString());
    }
  }

  private Peer peer(JsonNode message, List<Instance> instances) {
    long heartbeatMillis = message.path("heartbeat_ms").asLong(heartbeat.toMillis());
    return new Peer(message.path("host").asText("unknown"), Duration.ofMillis(Math.max(100, heartbeatMillis)),
        instances, Instant.now(), System.nanoTime());
  }

  private static List<Instance> instances(JsonNode message) {
    List<Instance> instances = new ArrayList<>();
    for (JsonNode node : message.path("instances")) {
      Set<String> capabilities = new HashSet<>();
      node.path("capabilities").forEach(capability -> capabilities.add(capability.asText()));
      Instant startedAt;
      try {
        startedAt = Timestamps.parse(node.path("started_at").asText(""));
      } catch (IllegalArgumentException e) {
        startedAt = Instant.EPOCH;
      }
      String agent = node.path("agent").asText("");
      String channel = node.path("channel").asText("");
      if (!agent.isEmpty() && !channel.isEmpty()) {
        instances.add(new Instance(agent, node.path("instance").asText(""), channel, capabilities, startedAt));
      }
    }
    return instances;
  }

  private CompletableFuture<Void> send(String kind) {
    ObjectNode message = MAPPER.createObjectNode();
    message.put("kind", kind);
    message.put("connection", connectionId);
    message.put("host", host);
    message.put("heartbeat_ms", heartbeat.toMillis());
    if (kind.equals("announce")) {
      ArrayNode instances = message.putArray("instances");
      for (Instance instance : local.values()) {
        ObjectNode node = instances.addObject();
        node.put("agent", instance.agent());
        node.put("instance", instance.instanceId());
        node.put("channel", instance.channel());
        ArrayNode capabilities = node.putArray("capabilities");
        instance.capabilities().forEach(capabilities::add);
        node.put("started_at", Timestamps.format(instance.startedAt()));
      }
    }
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .messageId(UUID.randomUUID().toString())
        .type("reef.presence." + kind)
        .contentType(SporeCodec.CONTENT_TYPE)
        .deliveryMode(1)
        .expiration(Long.toString(heartbeat.toMillis() * MISSED_HEARTBEATS))
        .build();
    // Runs on the timer thread that also expires overdue publishes: never wait for room here.
    return publisher.publishIfRoom(new OutgoingMessage(topology.presenceExchange(), "", properties,
        message.toString().getBytes(StandardCharsets.UTF_8), null, "presence " + kind));
  }

  /** Says goodbye and stops listening. */
  void close() {
    ScheduledFuture<?> beating = heartbeats;
    if (beating != null) {
      beating.cancel(false);
    }
    Channel listening = channel;
    if (listening != null) {
      local.clear();
      try {
        send("leave").get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.debug("presence goodbye not confirmed: {}", e.toString());
      }
      try {
        if (listening.isOpen()) {
          listening.close();
        }
      } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
        LOG.debug("closing the presence channel: {}", e.toString());
      }
    }
  }
}
