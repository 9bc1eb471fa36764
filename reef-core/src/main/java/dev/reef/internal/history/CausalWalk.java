package dev.reef.internal.history;

import dev.reef.HistoryEntry;
import dev.reef.HistoryStart;
import dev.reef.spi.HistoryBounds;
import dev.reef.spi.HistoryLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks {@code caused_by} (SPEC §3.15) through a history. A cause is stored before what it caused, so
 * the effects of a spore come in one pass after it; its causes, in one pass up to it when they are
 * among the {@value #REMEMBERED} entries before it, else in one more pass each.
 */
final class CausalWalk {
  private static final int REMEMBERED = 100_000;

  private CausalWalk() {}

  static List<HistoryEntry> causes(HistoryLog log, String sporeId, Duration idle) {
    HistoryBounds bounds = log.bounds();
    Map<String, HistoryEntry> recent = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, HistoryEntry> eldest) {
        return size() > REMEMBERED;
      }
    };
    HistoryEntry[] target = new HistoryEntry[1];
    RangeScan.scan(log, HistoryStart.first(), bounds, idle, entry -> {
      recent.put(entry.spore().id(), entry);
      if (entry.spore().id().equals(sporeId)) {
        target[0] = entry;
        return false;
      }
      return true;
    });
    if (target[0] == null) {
      throw notFound(log, sporeId);
    }
    List<HistoryEntry> chain = new ArrayList<>();
    Set<String> seen = new HashSet<>(Set.of(sporeId));
    HistoryEntry current = target[0];
    while (current.spore().causedBy() != null && seen.add(current.spore().causedBy())) {
      String causeId = current.spore().causedBy();
      HistoryEntry cause = recent.get(causeId);
      if (cause == null) {
        cause = find(log, bounds, causeId, current.offset(), idle);
      }
      if (cause == null) {
        break; // removed by retention, or sent on another channel
      }
      chain.add(cause);
      current = cause;
    }
    return chain;
  }

  static List<HistoryEntry> effects(HistoryLog log, String sporeId, Duration idle) {
    Set<String> tree = new HashSet<>(Set.of(sporeId));
    List<HistoryEntry> effects = new ArrayList<>();
    boolean[] found = new boolean[1];
    RangeScan.scan(log, HistoryStart.first(), log.bounds(), idle, entry -> {
      if (!found[0]) {
        found[0] = entry.spore().id().equals(sporeId);
      } else if (entry.spore().causedBy() != null && tree.contains(entry.spore().causedBy())) {
        effects.add(entry);
        tree.add(entry.spore().id());
      }
      return true;
    });
    if (!found[0]) {
      throw notFound(log, sporeId);
    }
    return effects;
  }

  private static HistoryEntry find(HistoryLog log, HistoryBounds bounds, String sporeId, long before, Duration idle) {
    HistoryEntry[] found = new HistoryEntry[1];
    RangeScan.scan(log, HistoryStart.first(), bounds, idle, entry -> {
      if (entry.spore().id().equals(sporeId)) {
        found[0] = entry;
      }
      return found[0] == null && entry.offset() < before;
    });
    return found[0];
  }

  private static IllegalArgumentException notFound(HistoryLog log, String sporeId) {
    return new IllegalArgumentException("spore " + sporeId + " is not in the history of channel '" + log.channel()
        + "' (never published there while history was kept, or removed by retention)");
  }
}
