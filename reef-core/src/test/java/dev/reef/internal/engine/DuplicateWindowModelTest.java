package dev.reef.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The duplicate window behaves exactly as the simplest model of it, an insertion-ordered map that
 * forgets its eldest entry beyond the size, over long random runs of claims, completions and
 * releases with ids that recur (the open addressing, eviction and ring rebuilds are all exercised).
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

  private static void run(int size, Random random, int steps) {
    DuplicateWindow window = new DuplicateWindow(size);
    Map<String, Boolean> model = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > size;
      }
    };
    int ids = size * 3 + 2;
    for (int step = 0; step < steps; step++) {
      String id = "id-" + random.nextInt(ids);
      switch (random.nextInt(4)) {
        case 0 -> assertThat(window.claim(id)).as("claim %s at step %d", id, step)
            .isEqualTo(model.putIfAbsent(id, Boolean.FALSE) == null);
        case 1 -> {
          window.handled(id);
          model.put(id, Boolean.TRUE);
        }
        case 2 -> {
          window.release(id);
          model.remove(id);
        }
        default -> assertThat(window.contains(id)).as("contains %s at step %d", id, step)
            .isEqualTo(model.containsKey(id));
      }
    }
    for (int i = 0; i < ids; i++) {
      assertThat(window.contains("id-" + i)).isEqualTo(model.containsKey("id-" + i));
    }
  }
}
