package dev.reef.examples;

import dev.reef.HandlerContext;
import dev.reef.agent.AgentSpec;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * An agent made of lambdas: it keeps the findings it is sent and summarizes them on request. Its
 * instances share one store, as instances of one agent share its work.
 */
final class Summarizer {
  private final Trace trace;
  private final SortedMap<Integer, Finding> findings = new ConcurrentSkipListMap<>();
  private final Map<String, AtomicInteger> storedByInstance = new ConcurrentHashMap<>();

  Summarizer(Trace trace) {
    this.trace = trace;
  }

  AgentSpec spec() {
    return AgentSpec.named("summarizer")
        .channel(ReefDemo.CHANNEL)
        .respondsTo("finding", this::store)
        .respondsTo("summary-request", SporeType.REQUEST, this::summarize)
        .build();
  }

  private Object store(Spore spore, HandlerContext context) {
    Finding finding = Finding.fromKnowledge(spore.knowledge());
    findings.put(finding.id(), finding);
    storedByInstance.computeIfAbsent(context.instanceId(), id -> new AtomicInteger()).incrementAndGet();
    trace.say(context, "stored finding #" + finding.id() + " (" + finding.keyword() + ")");
    return null;
  }

  /** The return value is the reply. */
  private Object summarize(Spore spore, HandlerContext context) {
    String keywords = findings.values().stream().map(Finding::keyword).collect(Collectors.joining(", "));
    TreeSet<String> sources = findings.values().stream().map(Finding::source)
        .collect(Collectors.toCollection(TreeSet::new));
    String text = findings.size() + " findings from " + sources.size() + " sources about " + keywords;
    trace.say(context, "summarizing for " + spore.fromAgent() + ": " + text);
    return Map.of("type", "summary", "findings", findings.size(), "text", text);
  }

  /** How many findings each instance (by subscription id) stored. */
  Map<String, Integer> storedByInstance() {
    return storedByInstance.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> entry.getValue().get()));
  }
}
