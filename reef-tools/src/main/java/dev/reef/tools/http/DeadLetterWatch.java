package dev.reef.tools.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.spore.Spore;
import dev.reef.spore.Timestamps;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace's dead letters for the dashboard: how many, and the latest few. Listing may read a
 * broker queue, so it runs off the event loop, and only when this process dead-lettered something
 * since the last look or {@value #IDLE_REFRESH_SECONDS} s have passed (other processes dead-letter too).
 */
final class DeadLetterWatch {
  static final int LATEST = 20;
  static final long IDLE_REFRESH_SECONDS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWatch.class);

  private final Reef reef;
  private final AtomicBoolean listing = new AtomicBoolean();
  private volatile ObjectNode view = empty();
  private long lastLocalTotal = -1; // only the dashboard's timer thread touches these two
  private long lastRefreshNanos;

  DeadLetterWatch(Reef reef) {
    this.reef = reef;
  }

  /**
   * True, and the refresh claimed, when one is due given the local count of dead letters and
   * undecodable messages, and none is under way; the caller must then call {@link #refresh()}.
   */
  boolean claimRefresh(long localTotal, long nowNanos) {
    boolean due = localTotal != lastLocalTotal || nowNanos - lastRefreshNanos > IDLE_REFRESH_SECONDS * 1_000_000_000L;
    if (!due || !listing.compareAndSet(false, true)) {
      return false;
    }
    lastLocalTotal = localTotal;
    lastRefreshNanos = nowNanos;
    return true;
  }

  /** Lists the dead letters now (blocking), whatever is under way: after a replay or a purge. */
  void forceRefresh() {
    list();
  }

  /** Lists the dead letters (blocking) and keeps the view; ends the claim of {@link #claimRefresh}. */
  void refresh() {
    try {
      list();
    } finally {
      listing.set(false);
    }
  }

  private void list() {
    ObjectNode node = HealthCheck.MAPPER.createObjectNode();
    try {
      List<DeadLetter> letters = reef.deadLetters().list();
      node.put("count", letters.size());
      ArrayNode latest = node.putArray("latest");
      for (int i = letters.size() - 1; i >= 0 && latest.size() < LATEST; i--) {
        DeadLetter letter = letters.get(i);
        ObjectNode entry = latest.addObject();
        entry.put("id", letter.id());
        entry.put("spore_id", letter.spore().map(Spore::id).orElse(null));
        entry.put("channel", letter.channel());
        entry.put("agent", letter.agent());
        entry.put("error", letter.error());
        entry.put("attempts", letter.attempts());
        entry.put("at", Timestamps.format(letter.deadLetteredAt()));
      }
    } catch (RuntimeException e) {
      LOG.warn("the dashboard could not list the dead letters: {}", e.toString());
      node.put("count", view.path("count").asInt(0));
      node.set("latest", view.path("latest").deepCopy());
      node.put("error", "could not list the dead letters: " + e.getMessage());
    }
    view = node;
  }

  ObjectNode view() {
    return view;
  }

  private static ObjectNode empty() {
    ObjectNode node = HealthCheck.MAPPER.createObjectNode();
    node.put("count", 0);
    node.putArray("latest");
    return node;
  }
}
