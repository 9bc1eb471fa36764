package dev.reef.amqp.faults;

import dev.reef.amqp.process.AgentEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What the fault tests compute from agent JVMs' events: sets of spore numbers and failure kinds. */
final class FaultEvents {
  private FaultEvents() {}

  /** The spore numbers in field {@code field} of {@code events}. */
  static Set<Integer> numbers(List<AgentEvent> events, int field) {
    Set<Integer> numbers = new HashSet<>();
    for (AgentEvent event : events) {
      numbers.add(Integer.parseInt(event.field(field)));
    }
    return numbers;
  }

  /**
   * {@code all} without {@code removed}. The tests compare sets this way rather than with AssertJ's
   * {@code containsAll}, which is quadratic on 100,000 elements, and the failure shows just the
   * difference.
   */
  static Set<Integer> minus(Set<Integer> all, Set<Integer> removed) {
    Set<Integer> rest = new HashSet<>(all);
    rest.removeAll(removed);
    return rest;
  }

  /** {@code SEND_FAILED batch n sporeId errorClass} events counted by error class. */
  static Map<String, Long> failureKinds(List<AgentEvent> failures) {
    return failures.stream().collect(Collectors.groupingBy(failure -> failure.field(3), TreeMap::new,
        Collectors.counting()));
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
