package dev.reef.internal.engine;

/**
 * The ids of spores an agent has handled recently, or is handling now (SPEC §3.10). A delivery whose
 * id is here is a duplicate: a re-sent publish, or a redelivery after a lost acknowledgement.
 *
 * <p>It holds at most {@code size} ids and forgets the oldest first. Every delivery claims its id
 * here, so it is built for speed without allocating per id: an open-addressing hash table (linear
 * probing) of the ids, and a ring of the same ids in claiming order for eviction. Releasing an id
 * removes it from the table and leaves its ring slot stale; stale slots are skipped when evicting and
 * dropped when the ring is rebuilt. Both start small and grow with use, up to twice {@code size}.
 */
final class DuplicateWindow {
  private static final int INITIAL_RING = 16;

  private final int size;
  private String[] order; // the ring, oldest first from `oldest`; a slot is stale once its id left the table
  private int[] orderHashes; // hash of order[i]
  private int oldest;
  private int used; // ring slots in use, live and stale
  private int live; // ids in the table
  private String[] keys; // the table; null: empty
  private int[] hashes; // hash of keys[i]: compared first, so that probing never touches other ids' text
  private int[] slots; // ring position of keys[i]
  private int mask;

  DuplicateWindow(int size) {
    this.size = size;
    rebuild(Math.min(INITIAL_RING, Math.max(2, 2 * size)), new String[0], 0);
  }

  /** Claims {@code id} for handling; false when it is handled or being handled already. */
  synchronized boolean claim(String id) {
    if (size == 0) {
      return true;
    }
    int hash = hash(id);
    if (find(id, hash) >= 0) {
      return false;
    }
    add(id, hash);
    return true;
  }

  /** True when {@code id} was claimed and not released. */
  synchronized boolean contains(String id) {
    return size > 0 && find(id, hash(id)) >= 0;
  }

  /** The handler finished: keep the id (again, if it was forgotten while its handler ran). */
  synchronized void handled(String id) {
    if (size > 0) {
      int hash = hash(id);
      if (find(id, hash) < 0) {
        add(id, hash);
      }
    }
  }

  /** The attempt failed or was abandoned: a later delivery of {@code id} must run again. */
  synchronized void release(String id) {
    int at = find(id, hash(id));
    if (at >= 0) {
      removeAt(at);
      live--;
    }
  }

  private void add(String id, int hash) {
    if (live == size) {
      evictOldest();
    }
    if (used == order.length) {
      // Full of live and stale slots: drop the stale ones, growing while the ring is under its bound.
      int capacity = live * 2 <= order.length ? order.length : Math.min(order.length * 2, 2 * size);
      rebuild(capacity, liveInOrder(), live);
    }
    int position = (oldest + used) % order.length;
    order[position] = id;
    orderHashes[position] = hash;
    used++;
    insert(id, hash, position);
    live++;
  }

  /** Forgets the oldest id still in the table; stale slots on the way are dropped. */
  private void evictOldest() {
    while (used > 0) {
      int position = oldest;
      String id = order[position];
      order[position] = null;
      oldest = (oldest + 1) % order.length;
      used--;
      int at = findSame(id, orderHashes[position]);
      if (at >= 0 && slots[at] == position) {
        removeAt(at);
        live--;
        return;
      }
    }
  }

  /** The live ids, oldest first. */
  private String[] liveInOrder() {
    String[] ids = new String[live];
    int count = 0;
    for (int k = 0; k < used; k++) {
      int position = (oldest + k) % order.length;
      String id = order[position];
      int at = id == null ? -1 : findSame(id, orderHashes[position]);
      if (at >= 0 && slots[at] == position) {
        ids[count++] = id;
      }
    }
    return ids;
  }

  /** A ring of {@code capacity} holding {@code ids} (oldest first) and a table of them. */
  private void rebuild(int capacity, String[] ids, int count) {
    order = new String[capacity];
    orderHashes = new int[capacity];
    // At most min(capacity, size) ids are live: a power of two at least twice that keeps probes short.
    int tableSize = Integer.highestOneBit(Math.max(4, 2 * Math.min(capacity, size) - 1)) << 1;
    keys = new String[tableSize];
    hashes = new int[tableSize];
    slots = new int[tableSize];
    mask = tableSize - 1;
    oldest = 0;
    used = 0;
    live = 0;
    for (int i = 0; i < count; i++) {
      int hash = hash(ids[i]);
      order[i] = ids[i];
      orderHashes[i] = hash;
      insert(ids[i], hash, i);
    }
    used = count;
    live = count;
  }

  private int find(String id, int hash) {
    for (int at = hash & mask; keys[at] != null; at = (at + 1) & mask) {
      if (hashes[at] == hash && (keys[at] == id || keys[at].equals(id))) {
        return at;
      }
    }
    return -1;
  }

  /** Finds this very string: the ring and the table hold the same instances. */
  private int findSame(String id, int hash) {
    for (int at = hash & mask; keys[at] != null; at = (at + 1) & mask) {
      if (keys[at] == id) {
        return at;
      }
    }
    return -1;
  }

  private void insert(String id, int hash, int position) {
    int at = hash & mask;
    while (keys[at] != null) {
      at = (at + 1) & mask;
    }
    keys[at] = id;
    hashes[at] = hash;
    slots[at] = position;
  }

  /** Empties a table entry, shifting back the entries after it that probed past it (no tombstones). */
  private void removeAt(int at) {
    int gap = at;
    keys[gap] = null;
    for (int next = (gap + 1) & mask; keys[next] != null; next = (next + 1) & mask) {
      int home = hashes[next] & mask;
      boolean staysPut = gap < next ? home > gap && home <= next : home > gap || home <= next;
      if (!staysPut) {
        keys[gap] = keys[next];
        hashes[gap] = hashes[next];
        slots[gap] = slots[next];
        keys[next] = null;
        gap = next;
      }
    }
  }

  /** The string's hash, spread: spore ids are random, but callers' ids need not be. */
  private static int hash(String id) {
    int hash = id.hashCode() * 0x9E3779B9;
    return hash ^ (hash >>> 16);
  }
}
