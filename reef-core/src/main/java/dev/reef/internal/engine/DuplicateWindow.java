package dev.reef.internal.engine;

import java.util.Arrays;

/**
 * The ids of spores an agent has handled recently, or is handling now (SPEC §3.10). A delivery whose
 * id is here is a duplicate: a re-sent publish, or a redelivery after a lost acknowledgement.
 *
 * <p>It remembers at least the {@code size} ids claimed last, and at most twice as many: ids go into
 * a young generation; when it holds {@code size} ids it becomes the old one and the old one is
 * forgotten at once. Every delivery claims its id here, so it is built for speed without allocating
 * per id and without evicting per id: each generation is an open-addressing hash table (linear
 * probing) whose probes read an array of hashes only, touching an id's text when its hash matches.
 * A claim returns a ticket (its generation) with which {@link #handled(String, long)} knows, without
 * looking, whether the id is still remembered. Tables start small and grow with use.
 */
final class DuplicateWindow {
  /** What {@link #claim} returns for an id that is handled or being handled already. */
  static final long DUPLICATE = -1;
  /** A ticket that proves nothing: {@link #handled(String, long)} then looks the id up. */
  static final long NO_TICKET = Long.MIN_VALUE;

  private static final int INITIAL_TABLE = 16;

  private final int size;
  private Generation young;
  private Generation old;
  private long generation; // young's number; old is generation - 1

  DuplicateWindow(int size) {
    this.size = size;
    // A table never needs more slots than this: at most `size` ids, half full.
    int maxTable = Math.max(INITIAL_TABLE, Integer.highestOneBit(Math.max(1, 2 * size - 1)) << 1);
    this.young = new Generation(maxTable);
    this.old = new Generation(maxTable);
  }

  /**
   * Claims {@code id} for handling.
   *
   * @return a ticket for {@link #handled(String, long)}, or {@link #DUPLICATE} when the id is handled
   *     or being handled already
   */
  synchronized long claim(String id) {
    if (size == 0) {
      return NO_TICKET;
    }
    int hash = hash(id);
    if (young.find(id, hash) >= 0 || old.find(id, hash) >= 0) {
      return DUPLICATE;
    }
    long ticket = generation; // the generation the id joins, before a rotation it may cause
    add(id, hash);
    return ticket;
  }

  /** True when {@code id} was claimed and not released (nor forgotten). */
  synchronized boolean contains(String id) {
    if (size == 0) {
      return false;
    }
    int hash = hash(id);
    return young.find(id, hash) >= 0 || old.find(id, hash) >= 0;
  }

  /**
   * The handler finished: keep the id (again, if it was forgotten while its handler ran). With the
   * ticket of its claim, an id claimed in the young or the old generation is known to be here still:
   * only its own failed attempt releases it.
   */
  synchronized void handled(String id, long ticket) {
    if (size == 0 || ticket >= generation - 1) {
      return;
    }
    int hash = hash(id);
    if (young.find(id, hash) < 0 && old.find(id, hash) < 0) {
      add(id, hash);
    }
  }

  /** The attempt failed or was abandoned: a later delivery of {@code id} must run again. */
  synchronized void release(String id) {
    if (size == 0) {
      return;
    }
    int hash = hash(id);
    if (!young.remove(id, hash)) {
      old.remove(id, hash);
    }
  }

  private void add(String id, int hash) {
    young.insert(id, hash);
    if (young.count == size) {
      // The old generation is forgotten all at once; its table, emptied, takes the next ids.
      Generation forgotten = old;
      old = young;
      forgotten.clear(); // kept at the size it grew to: the window fills it again
      young = forgotten;
      generation++;
    }
  }

  /** The string's hash, spread, and never 0 (0 marks an empty slot): spore ids are random, callers' need not be. */
  private static int hash(String id) {
    int hash = id.hashCode() * 0x9E3779B9;
    hash ^= hash >>> 16;
    return hash == 0 ? 1 : hash;
  }

  /** One generation: an open-addressing table of ids, at most half full. */
  private static final class Generation {
    final int maxCapacity;
    int[] hashes; // 0: empty
    String[] keys;
    int mask;
    int count;

    Generation(int maxCapacity) {
      this.maxCapacity = maxCapacity;
      hashes = new int[INITIAL_TABLE];
      keys = new String[INITIAL_TABLE];
      mask = INITIAL_TABLE - 1;
    }

    int find(String id, int hash) {
      int[] table = hashes;
      for (int at = hash & mask; table[at] != 0; at = (at + 1) & mask) {
        if (table[at] == hash && (keys[at] == id || keys[at].equals(id))) {
          return at;
        }
      }
      return -1;
    }

    void insert(String id, int hash) {
      if (2 * (count + 1) > hashes.length && hashes.length < maxCapacity) {
        grow();
      }
      place(id, hash);
      count++;
    }

    /** Puts an id in the first empty slot from its hash's home. */
    private void place(String id, int hash) {
      int at = hash & mask;
      while (hashes[at] != 0) {
        at = (at + 1) & mask;
      }
      hashes[at] = hash;
      keys[at] = id;
    }

    boolean remove(String id, int hash) {
      int at = find(id, hash);
      if (at < 0) {
        return false;
      }
      // Shift back the entries after it that probed past it: no tombstones.
      int gap = at;
      hashes[gap] = 0;
      keys[gap] = null;
      for (int next = (gap + 1) & mask; hashes[next] != 0; next = (next + 1) & mask) {
        int home = hashes[next] & mask;
        boolean staysPut = gap < next ? home > gap && home <= next : home > gap || home <= next;
        if (!staysPut) {
          hashes[gap] = hashes[next];
          keys[gap] = keys[next];
          hashes[next] = 0;
          keys[next] = null;
          gap = next;
        }
      }
      count--;
      return true;
    }

    void clear() {
      Arrays.fill(hashes, 0);
      Arrays.fill(keys, null);
      count = 0;
    }

    private void grow() {
      int[] oldHashes = hashes;
      String[] oldKeys = keys;
      hashes = new int[oldHashes.length * 2];
      keys = new String[oldHashes.length * 2];
      mask = hashes.length - 1;
      for (int i = 0; i < oldHashes.length; i++) {
        if (oldHashes[i] != 0) {
          place(oldKeys[i], oldHashes[i]);
        }
      }
    }
  }
}
