package dev.reef;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of spores an agent has handled recently, or is handling now (SPEC §3.10). A delivery whose
 * id is here is a duplicate: a re-sent publish, or a redelivery after a lost acknowledgement.
 */
final class DuplicateWindow {
  private final int size;
  private final LinkedHashMap<String, Boolean> ids; // id -> true once handled, false while handling

  DuplicateWindow(int size) {
    this.size = size;
    this.ids = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > DuplicateWindow.this.size;
      }
    };
  }

  /** Claims {@code id} for handling; false when it is handled or being handled already. */
  synchronized boolean claim(String id) {
    if (size == 0) {
      return true;
    }
    return ids.putIfAbsent(id, Boolean.FALSE) == null;
  }

  /** True when {@code id} was claimed and not released. */
  synchronized boolean contains(String id) {
    return size > 0 && ids.containsKey(id);
  }

  /** The handler finished: keep the id. */
  synchronized void handled(String id) {
    if (size > 0) {
      ids.put(id, Boolean.TRUE);
    }
  }

  /** The attempt failed or was abandoned: a later delivery of {@code id} must run again. */
  synchronized void release(String id) {
    ids.remove(id);
  }
}
