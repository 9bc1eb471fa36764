package dev.reef.examples;

import dev.reef.HandlerContext;
import dev.reef.ReplyStream;
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
        .respondsTo("write-request", SporeType.REQUEST, this::write)
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

  /**
   * Writes a paragraph about the findings and streams it word by word, as a language model streams
   * its tokens: each word is a part, the whole text the final reply. A caller that cancels stops it.
   */
  private Object write(Spore spore, HandlerContext context) throws InterruptedException {
    String text = "Coral reefs cover less than one percent of the ocean floor yet shelter a quarter of marine"
        + " species; the " + findings.size() + " findings gathered here agree that warming water is their"
        + " greatest threat.";
    ReplyStream stream = context.stream();
    String[] words = text.split(" ");
    for (String word : words) {
      if (stream.isCancelled()) {
        trace.say(context, "the reader stopped listening after " + stream.partsSent() + " words");
        return null;
      }
      stream.send(Map.of("word", word));
      Thread.sleep(5); // a model takes its time over each token
    }
    trace.say(context, "wrote " + words.length + " words for " + spore.fromAgent());
    return Map.of("type", "text", "text", text, "words", words.length);
  }

  /** How many findings each instance (by subscription id) stored. */
  Map<String, Integer> storedByInstance() {
    return storedByInstance.entrySet().stream()
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> entry.getValue().get()));
  }
}
