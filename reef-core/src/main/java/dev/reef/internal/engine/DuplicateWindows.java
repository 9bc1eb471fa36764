package dev.reef.internal.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The duplicate windows of a Reef: one per agent name and channel, shared by its instances (SPEC §3.10). */
final class DuplicateWindows {
  private final Map<String, DuplicateWindow> windows = new ConcurrentHashMap<>();

  /** The window of {@code agent} on {@code channel}, made with {@code size} ids on first use. */
  DuplicateWindow of(String channel, String agent, int size) {
    return windows.computeIfAbsent(channel + '/' + agent, key -> new DuplicateWindow(size));
  }
}
