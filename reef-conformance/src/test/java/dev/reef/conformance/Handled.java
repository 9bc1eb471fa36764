package dev.reef.conformance;

import dev.reef.HandlerContext;
import dev.reef.SporeHandler;
import dev.reef.spore.Spore;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What handlers saw, in the order they saw it. Thread-safe. */
final class Handled {

  /** One handler run: which instance of which agent handled which spore, on which attempt and thread. */
  record Entry(String agent, String instanceId, Spore spore, int attempt, Thread thread) {
    /** The {@code n} field of the spore's knowledge. */
    int n() {
      return ConformanceTest.n(spore);
    }
  }

  private final Queue<Entry> entries = new ConcurrentLinkedQueue<>();

  /** A handler that only records. */
  SporeHandler recorder() {
    return (spore, context) -> {
      record(spore, context);
      return null;
    };
  }

  void record(Spore spore, HandlerContext context) {
    entries.add(new Entry(context.agentName(), context.instanceId(), spore, context.attempt(), Thread.currentThread()));
  }

  int count() {
    return entries.size();
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  long countFor(String agent) {
    return entries.stream().filter(entry -> entry.agent().equals(agent)).count();
  }

  List<Entry> of(String agent) {
    return entries.stream().filter(entry -> entry.agent().equals(agent)).toList();
  }

  /** The {@code n} of each spore handled, in handling order. */
  List<Integer> numbers() {
    return entries.stream().map(Entry::n).toList();
  }

  /** The {@code n} of each spore {@code agent} handled, in handling order. */
  List<Integer> numbersOf(String agent) {
    return of(agent).stream().map(Entry::n).toList();
  }

  /** How often each spore id was handled. */
  Map<String, Long> timesById() {
    return countBy(entry -> entry.spore().id());
  }

  /** How many spores each instance handled. */
  Map<String, Long> countByInstance() {
    return countBy(Entry::instanceId);
  }

  Set<String> instances() {
    return entries.stream().map(Entry::instanceId).collect(Collectors.toSet());
  }

  private <K> Map<K, Long> countBy(Function<Entry, K> key) {
    return entries.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
  }
}
