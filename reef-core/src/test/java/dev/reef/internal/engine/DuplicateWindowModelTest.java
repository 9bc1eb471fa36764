package dev.reef.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The duplicate window behaves exactly as the simplest model of it, two sets of ids (a young
 * generation that becomes the old one when it holds {@code size} ids, the old one then forgotten),
 * over long random runs of claims, completions and releases with ids that recur: the open
 * addressing, its growth, deletions that shift entries back, and generations emptied for reuse are
 * all exercised. Completions use the ticket of the id's claim, as the engine does, or none.
 */
class DuplicateWindowModelTest {

  @Test
  void randomRunsMatchTheModel() {
    for (int size : new int[] {1, 2, 3, 7, 16, 100}) {
      for (long seed = 1; seed <= 5; seed++) {
        run(size, new Random(seed * 31 + size), 20_000);
      }
    }
  }

  /** Two sets, rotated as the window's generations are. */
  private static final class Model {
    final int size;
    Set<String> young = new HashSet<>();
    Set<String> old = new HashSet<>();

    Model(int size) {
      this.size = size;
    }

    boolean contains(String id) {
      return young.contains(id) || old.contains(id);
    }

    void add(String id) {
      young.add(id);
      if (young.size() == size) {
        old = young;
        young = new HashSet<>();
      }
    }
  }

  private static void run(int size, Random random, int steps) {
    DuplicateWindow window = new DuplicateWindow(size);
    Model model = new Model(size);
    Map<String, Long> tickets = new HashMap<>(); // ids claimed and not released since
    int ids = size * 3 + 2;
    for (int step = 0; step < steps; step++) {
      String id = "id-" + random.nextInt(ids);
      switch (random.nextInt(4)) {
        case 0 -> {
          boolean fresh = !model.contains(id);
          long ticket = window.claim(id);
          assertThat(ticket != DuplicateWindow.DUPLICATE).as("claim %s at step %d", id, step).isEqualTo(fresh);
          if (fresh) {
            model.add(id);
            tickets.put(id, ticket);
          }
        }
        case 1 -> {
          Long ticket = tickets.get(id);
          window.handled(id, ticket == null || random.nextBoolean() ? DuplicateWindow.NO_TICKET : ticket);
          if (!model.contains(id)) {
            model.add(id);
          }
        }
        case 2 -> {
          window.release(id);
          model.young.remove(id);
          model.old.remove(id);
          tickets.remove(id);
        }
        default -> assertThat(window.contains(id)).as("contains %s at step %d", id, step)
            .isEqualTo(model.contains(id));
      }
    }
    for (int i = 0; i < ids; i++) {
      assertThat(window.contains("id-" + i)).isEqualTo(model.contains("id-" + i));
    }
  }
}
