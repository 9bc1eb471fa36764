package dev.reef.internal.directory;

import dev.reef.AgentDirectory;
import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.DirectoryEvent;
import dev.reef.Observation;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceListener;
import dev.reef.spi.PresenceMessage;
import dev.reef.spore.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AgentDirectory} of one Reef, the same on every backend (SPEC §3.17): it announces this
 * Reef's instances through the backend's presence link on every change and every heartbeat,
 * answers newcomers, and keeps the states of everyone else's instances from what they announce.
 *
 * <p>An instance is silent when its Reef missed {@value #MISSED_HEARTBEATS} heartbeats or when it
 * reports itself stalled; a Reef that said goodbye has its instances listed as left for {@value
 * #FORGET_AFTER_HEARTBEATS} heartbeats, then forgotten, as is a Reef silent that long. Every state
 * change is an event. State changes under this object's lock; events go out one at a time on the
 * timer thread, in order.
 */
public final class DirectoryService implements AgentDirectory, PresenceListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryService.class);
  static final int MISSED_HEARTBEATS = 3;
  static final int FORGET_AFTER_HEARTBEATS = 20;
  static final long SETTLE_QUIET_MILLIS = 150;
  static final long SETTLE_MAX_MILLIS = 1_000;

  private final String reefId;
  private final String host;
  private final long pid;
  private final Duration heartbeat;
  private final ScheduledExecutorService timer;
  private final Supplier<List<PresenceMessage.Instance>> localInstances;
  private final Map<String, Peer> peers = new HashMap<>(); // guarded by this
  private final Map<String, Entry> known = new HashMap<>(); // instance id -> last state reported; guarded by this
  private final List<Consumer<DirectoryEvent>> listeners = new CopyOnWriteArrayList<>();
  private Function<PresenceListener, PresenceLink> opener; // guarded by this; null once opened
  private volatile PresenceLink link;
  private final String site;
  private final CoalescingAnnouncer announcer = new CoalescingAnnouncer(() -> send(PresenceMessage.Kind.ANNOUNCE));
  private volatile ScheduledFuture<?> beats;
  private volatile boolean closed;
  private volatile long lastHeardNanos;

  /**
   * A directory that announces what {@code localInstances} lists.
   *
   * @param timer a single thread: heartbeats, state checks and event delivery run on it
   */
  public DirectoryService(String reefId, String host, long pid, Duration heartbeat, ScheduledExecutorService timer,
      Supplier<List<PresenceMessage.Instance>> localInstances) {
    this(reefId, host, "", pid, heartbeat, timer, localInstances);
  }

  /**
   * A directory of a Reef at {@code site} (empty: no sites), which it names in its announcements and
   * in the listing of its own instances.
   */
  public DirectoryService(String reefId, String host, String site, long pid, Duration heartbeat,
      ScheduledExecutorService timer, Supplier<List<PresenceMessage.Instance>> localInstances) {
    this.site = Objects.requireNonNull(site, "site");
    this.reefId = Objects.requireNonNull(reefId, "reefId");
    this.host = Objects.requireNonNull(host, "host");
    this.pid = pid;
    this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    this.timer = Objects.requireNonNull(timer, "timer");
    this.localInstances = Objects.requireNonNull(localInstances, "localInstances");
  }

  /**
   * Joins the namespace's presence through {@code opener} (the backend's) when it is first needed: when
   * this Reef starts an agent instance, or someone asks the directory. A Reef that only sends (a
   * command-line send) never joins, so it costs no presence queue and no round of answers.
   */
  public synchronized void start(Function<PresenceListener, PresenceLink> opener) {
    this.opener = Objects.requireNonNull(opener, "opener");
  }

  /**
   * Announces this Reef's instances (one joined or left), at once or, while an announcement is on its
   * way, in the one that follows it; the future completes when the backend has an announcement made
   * after the change.
   */
  public java.util.concurrent.CompletableFuture<Void> announce() {
    join(false);
    timer.execute(this::evaluate);
    return announcer.announce();
  }

  /**
   * Joins presence if it has not yet; when joining to answer a question, waits until the others' first
   * answers have come (no new one for {@value #SETTLE_QUIET_MILLIS} ms, at most {@value
   * #SETTLE_MAX_MILLIS} ms), so that the first listing is not empty only because it was the first.
   */
  private void join(boolean toAnswer) {
    Function<PresenceListener, PresenceLink> open;
    synchronized (this) {
      open = opener;
      if (open == null || closed) {
        return;
      }
      opener = null;
      link = open.apply(this);
      send(PresenceMessage.Kind.HELLO);
      long millis = heartbeat.toMillis();
      beats = timer.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
    }
    if (toAnswer) {
      long start = System.nanoTime();
      lastHeardNanos = start;
      long quiet = TimeUnit.MILLISECONDS.toNanos(SETTLE_QUIET_MILLIS);
      long max = TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MILLIS);
      while (System.nanoTime() - lastHeardNanos < quiet && System.nanoTime() - start < max) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void onPresence(PresenceMessage message) {
    if (message.reefId().equals(reefId) || closed) {
      return;
    }
    long now = System.nanoTime();
    lastHeardNanos = now;
    synchronized (this) {
      switch (message.kind()) {
        case HELLO -> peers.computeIfAbsent(message.reefId(), id -> new Peer(message, now));
        case ANNOUNCE -> peers.put(message.reefId(), new Peer(message, now));
        case LEAVE -> {
          Peer peer = peers.get(message.reefId());
          if (peer != null) {
            peer.leftNanos = now;
          }
        }
        default -> throw new IllegalStateException("unknown presence message kind " + message.kind());
      }
    }
    if (message.kind() == PresenceMessage.Kind.HELLO) {
      send(PresenceMessage.Kind.ANNOUNCE);
    }
    timer.execute(this::evaluate);
  }

  @Override
  public List<AgentInfo> agents() {
    join(true);
    return List.copyOf(snapshot(System.nanoTime()).values());
  }

  @Override
  public List<AgentInfo> agents(String channel) {
    Names.require("channel name", channel);
    join(true);
    List<AgentInfo> on = new ArrayList<>();
    for (AgentInfo info : snapshot(System.nanoTime()).values()) {
      if (info.channel().equals(channel)) {
        on.add(info);
      }
    }
    return on;
  }

  @Override
  public Set<String> onlineAgents(String channel) {
    return online(channel, null);
  }

  @Override
  public Set<String> onlineAgentsWithCapability(String channel, String capability) {
    Names.require("capability", capability);
    return online(channel, capability);
  }

  @Override
  public Observation subscribe(Consumer<DirectoryEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    join(false);
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Says goodbye (waiting at most {@code within}) and stops. Idempotent. */
  public void close(Duration within) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      opener = null;
    }
    ScheduledFuture<?> beating = beats;
    if (beating != null) {
      beating.cancel(false);
    }
    PresenceLink open = link;
    if (open != null) {
      try {
        open.send(message(PresenceMessage.Kind.LEAVE, List.of())).get(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
        LOG.debug("presence goodbye not confirmed: {}", e.toString());
      }
      open.close();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(1));
  }

  private Set<String> online(String channel, String capability) {
    Names.require("channel name", channel);
    join(true);
    Set<String> names = new TreeSet<>();
    for (AgentInfo info : snapshot(System.nanoTime()).values()) {
      if (info.state() == AgentState.ONLINE && info.channel().equals(channel)
          && (capability == null || info.capabilities().contains(capability))) {
        names.add(info.agentName());
      }
    }
    return names;
  }

  private void beat() {
    try {
      send(PresenceMessage.Kind.ANNOUNCE);
      evaluate();
    } catch (RuntimeException e) {
      LOG.warn("directory heartbeat failed: {}", e.toString());
    }
  }

  private java.util.concurrent.CompletableFuture<Void> send(PresenceMessage.Kind kind) {
    PresenceLink open = link;
    if (open == null || closed) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    List<PresenceMessage.Instance> instances = kind == PresenceMessage.Kind.ANNOUNCE ? localInstances.get() : List.of();
    return open.send(message(kind, instances)).whenComplete((ok, error) -> {
      if (error != null) {
        LOG.debug("presence {} not sent: {}", kind, error.toString());
      }
    });
  }

  private PresenceMessage message(PresenceMessage.Kind kind, List<PresenceMessage.Instance> instances) {
    return new PresenceMessage(kind, reefId, host, pid, heartbeat, instances, site);
  }

  /** Every instance known now, by instance id, with its state; forgets what is long gone. */
  private synchronized Map<String, Info> snapshot(long now) {
    Map<String, Info> all = new HashMap<>();
    Instant wallNow = Instant.now();
    for (PresenceMessage.Instance instance : localInstances.get()) {
      all.put(instance.instanceId(), new Info(instance, host, pid, reefId, wallNow,
          instance.stalled() ? AgentState.SILENT : AgentState.ONLINE, true, site));
    }
    long silentAfter = heartbeat.toNanos() * MISSED_HEARTBEATS;
    peers.values().removeIf(peer -> now - peer.lastNanos() > peer.heartbeatNanos * FORGET_AFTER_HEARTBEATS);
    for (Peer peer : peers.values()) {
      boolean heard = now - peer.seenNanos < Math.max(silentAfter, peer.heartbeatNanos * MISSED_HEARTBEATS);
      for (PresenceMessage.Instance instance : peer.message.instances()) {
        AgentState state = peer.leftNanos != 0 ? AgentState.LEFT
            : heard && !instance.stalled() ? AgentState.ONLINE : AgentState.SILENT;
        all.put(instance.instanceId(), new Info(instance, peer.message.host(), peer.message.pid(),
            peer.message.reefId(), peer.seenAt, state, false, peer.message.site()));
      }
    }
    // Instances that vanished from their Reef's announcement stopped: listed as left for a while.
    long forgetAfter = heartbeat.toNanos() * FORGET_AFTER_HEARTBEATS;
    known.values().removeIf(entry -> entry.info.state() == AgentState.LEFT && now - entry.sinceNanos > forgetAfter);
    for (Entry entry : known.values()) {
      if (!all.containsKey(entry.info.instanceId())) {
        all.put(entry.info.instanceId(), entry.info.withState(AgentState.LEFT));
      }
    }
    return all;
  }

  /** Compares the states now with those last reported, and reports the changes. Runs on the timer thread. */
  private void evaluate() {
    if (closed && listeners.isEmpty()) {
      return;
    }
    List<DirectoryEvent> events = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      for (Info info : snapshot(now).values()) {
        Entry before = known.get(info.instanceId());
        DirectoryEvent.Kind kind = change(before == null ? null : before.info.state(), info.state());
        if (kind != null) {
          events.add(new DirectoryEvent(kind, info));
        }
        if (before == null || before.info.state() != info.state()) {
          known.put(info.instanceId(), new Entry(info, now));
        } else {
          before.info = info;
        }
      }
    }
    for (DirectoryEvent event : events) {
      for (Consumer<DirectoryEvent> listener : listeners) {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          LOG.warn("a directory listener failed on {}: {}", event, e.toString());
        }
      }
    }
  }

  private static DirectoryEvent.Kind change(AgentState before, AgentState now) {
    if (before == now) {
      return null;
    }
    return switch (now) {
      case ONLINE -> before == AgentState.SILENT ? DirectoryEvent.Kind.BACK : DirectoryEvent.Kind.JOINED;
      case SILENT -> before == null ? DirectoryEvent.Kind.JOINED : DirectoryEvent.Kind.SILENT;
      case LEFT -> before == null ? null : DirectoryEvent.Kind.LEFT;
    };
  }

  @Override
  public String toString() {
    return "DirectoryService[" + reefId + "]";
  }

  /** The last announcement of another Reef. */
  private static final class Peer {
    final PresenceMessage message;
    final long seenNanos;
    final Instant seenAt = Instant.now();
    final long heartbeatNanos;
    volatile long leftNanos;

    Peer(PresenceMessage message, long seenNanos) {
      this.message = message;
      this.seenNanos = seenNanos;
      this.heartbeatNanos = Math.max(Duration.ofMillis(50).toNanos(), message.heartbeat().toNanos());
    }

    long lastNanos() {
      return leftNanos != 0 ? leftNanos : seenNanos;
    }
  }

  /** The state last reported for an instance, and since when. */
  private static final class Entry {
    Info info;
    final long sinceNanos;

    Entry(Info info, long sinceNanos) {
      this.info = info;
      this.sinceNanos = sinceNanos;
    }
  }
}
