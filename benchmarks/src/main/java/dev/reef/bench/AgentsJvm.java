package dev.reef.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * What the agent JVMs of the scale scenario share: the names of their agents, and how they report
 * their memory once settled.
 */
final class AgentsJvm {
  private AgentsJvm() {}

  /** The {@code index}-th agent name (from 1) with {@code prefix}. */
  static String agentName(String prefix, int index) {
    return String.format(Locale.ROOT, "%s-%04d", prefix, index);
  }

  /**
   * Collects garbage, waits about {@code settleMillis} for the JVM to settle, and prints {@code
   * MEMORY agents=N rss_kib=K heap_kib=K}: the resident set of the process and the heap in use.
   */
  static void printMemory(int agents, int settleMillis) throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(settleMillis / 4);
    }
    Thread.sleep(settleMillis);
    long rss = Machine.residentKib(ProcessHandle.current().pid());
    long heap = memory.getHeapMemoryUsage().getUsed() >> 10;
    System.out.printf(Locale.ROOT, "MEMORY agents=%d rss_kib=%d heap_kib=%d%n", agents, rss, heap);
    System.out.flush();
  }
}
