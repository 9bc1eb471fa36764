package dev.reef.tools.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.Reef;
import dev.reef.spore.Timestamps;
import dev.reef.spore.Spore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spores passing on the runtime's channels, seen through {@link dev.reef.Channel#observe}: the
 * latest ones for a newly opened page, and those not yet pushed to open pages. Observers run on
 * backend threads, so taking a spore is a short critical section and nothing more. Beyond {@value
 * #MAX_PENDING} spores between two pushes, the live stream skips spores (it is a view, not a log):
 * skipped spores are counted in {@code reef.dashboard.spores.skipped} and logged.
 */
final class SporeFeed implements AutoCloseable {
  static final int RECENT = 100;
  static final int MAX_PENDING = 500;
  private static final int KNOWLEDGE_PREVIEW_CHARS = 160;
  private static final Logger LOG = LoggerFactory.getLogger(SporeFeed.class);

  private record Seen(String channel, Spore spore) {}

  /** Spores not yet pushed, and how many were skipped since the last push. */
  record Batch(ArrayNode spores, long skipped) {}

  private final Object lock = new Object();
  private final Deque<Seen> recent = new ArrayDeque<>(RECENT); // guarded by lock
  private final List<Seen> pending = new ArrayList<>(); // guarded by lock
  private long skipped; // guarded by lock
  private final Map<String, AutoCloseable> observations = new ConcurrentHashMap<>();
  private final Map<String, String> unavailable = new ConcurrentHashMap<>();
  private final Counter skippedCounter;
  private final boolean showKnowledge;
  private volatile boolean closed;

  /** {@code showKnowledge}: put the start of each spore's knowledge in the feed (off: ids, types, routes only). */
  SporeFeed(MeterRegistry registry, boolean showKnowledge) {
    this.showKnowledge = showKnowledge;
    this.skippedCounter = Counter.builder("reef.dashboard.spores.skipped")
        .description("Spores left out of the dashboard's live stream because they came faster than it pushes")
        .register(registry);
  }

  /** Starts observing every channel of {@code channels} not observed yet. May block (a broker round trip). */
  synchronized void observe(Reef reef, Collection<String> channels) {
    for (String channel : channels) {
      if (closed || observations.containsKey(channel) || unavailable.containsKey(channel) || reef.isClosed()) {
        continue;
      }
      try {
        observations.put(channel, reef.channel(channel).observe(this::seen));
      } catch (RuntimeException e) {
        // E.g. a backend that cannot observe: the page says so rather than showing an empty stream.
        String reason = e.getMessage() != null ? e.getMessage() : e.toString();
        unavailable.put(channel, reason);
        LOG.warn("the dashboard cannot show the spores of channel '{}': {}", channel, reason);
      }
    }
  }

  private void seen(String channel, Spore spore) {
    synchronized (lock) {
      if (recent.size() == RECENT) {
        recent.removeFirst();
      }
      recent.addLast(new Seen(channel, spore));
      if (pending.size() < MAX_PENDING) {
        pending.add(new Seen(channel, spore));
      } else {
        skipped++;
      }
    }
  }

  /** The spores seen since the last call, oldest first, and how many were skipped. */
  Batch takePending() {
    List<Seen> taken;
    long skippedNow;
    synchronized (lock) {
      taken = List.copyOf(pending);
      pending.clear();
      skippedNow = skipped;
      skipped = 0;
    }
    if (skippedNow > 0) {
      skippedCounter.increment(skippedNow);
      LOG.debug("the dashboard's live stream skipped {} spores in a burst", skippedNow);
    }
    return new Batch(toJson(taken, showKnowledge), skippedNow);
  }

  /** The latest spores seen, oldest first. */
  ArrayNode recent() {
    synchronized (lock) {
      return toJson(List.copyOf(recent), showKnowledge);
    }
  }

  /** The channels observed, and those that could not be, with why. */
  ObjectNode status() {
    ObjectNode node = HealthCheck.MAPPER.createObjectNode();
    new TreeMap<>(observations).keySet().forEach(node.putArray("observed")::add);
    ObjectNode failures = node.putObject("unavailable");
    new TreeMap<>(unavailable).forEach(failures::put);
    return node;
  }

  private static ArrayNode toJson(List<Seen> spores, boolean showKnowledge) {
    ArrayNode array = HealthCheck.MAPPER.createArrayNode();
    for (Seen seen : spores) {
      Spore spore = seen.spore();
      ObjectNode node = array.addObject();
      node.put("id", spore.id());
      node.put("channel", seen.channel());
      node.put("type", spore.type().wireValue());
      node.put("from", spore.fromAgent());
      node.put("to", spore.toAgent());
      node.put("created_at", Timestamps.format(spore.createdAt()));
      node.put("priority", spore.priority());
      node.put("reply_to", spore.replyTo());
      node.put("trace_id", traceId(spore));
      if (showKnowledge) {
        node.put("knowledge", preview(spore));
      }
    }
    return array;
  }

  /** The W3C trace id the spore belongs to: from its {@code traceparent}, else its own id (as core does). */
  static String traceId(Spore spore) {
    String traceparent = spore.metadata().getString("traceparent");
    if (traceparent != null) {
      String[] parts = traceparent.trim().split("-");
      if (parts.length >= 4 && parts[1].matches("[0-9a-f]{32}")) {
        return parts[1];
      }
    }
    return spore.id().replace("-", "").toLowerCase(Locale.ROOT);
  }

  private static String preview(Spore spore) {
    if (spore.knowledge() == null) {
      return null;
    }
    String json = spore.knowledge().toJson();
    return json.length() <= KNOWLEDGE_PREVIEW_CHARS ? json : json.substring(0, KNOWLEDGE_PREVIEW_CHARS) + "…";
  }

  @Override
  public synchronized void close() {
    closed = true;
    observations.values().forEach(observation -> {
      try {
        observation.close();
      } catch (Exception e) {
        LOG.debug("closing a channel observation: {}", e.toString());
      }
    });
    observations.clear();
  }
}
