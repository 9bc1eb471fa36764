package dev.reef.examples;

import dev.reef.HandlerContext;
import dev.reef.Subscription;
import dev.reef.agent.RunningInstance;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's readable trace: one timestamped line per event, written by agents on their worker
 * threads and by the demo itself. Instances are shown as {@code summarizer#1}, {@code summarizer#2}.
 */
final class Trace {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final PrintStream out;
  private final Map<String, String> instanceLabels = new ConcurrentHashMap<>();

  Trace(PrintStream out) {
    this.out = out;
  }

  /** Names the instances of an agent #1, #2, ... in start order. */
  void label(List<RunningInstance> instances) {
    for (int i = 0; i < instances.size(); i++) {
      RunningInstance instance = instances.get(i);
      for (Subscription subscription : instance.subscriptions()) {
        instanceLabels.put(subscription.instanceId(), instance.agentName() + "#" + (i + 1));
      }
    }
  }

  /** A numbered step of the story. */
  void step(int number, String title) {
    synchronized (out) {
      out.println();
      out.println("== " + number + ". " + title + " " + "=".repeat(Math.max(3, 70 - title.length())));
    }
  }

  /** The label of an instance (by subscription id), or the id itself when it has none. */
  String labelOf(String instanceId) {
    return instanceLabels.getOrDefault(instanceId, instanceId);
  }

  /** An event seen by the handling agent instance. */
  void say(HandlerContext context, String text) {
    say(instanceLabels.getOrDefault(context.instanceId(), context.agentName()), text);
  }

  /** An event told by {@code who}. */
  void say(String who, String text) {
    out.printf("%s  %-15s %s%n", LocalTime.now().format(TIME), who, text);
  }

  /** A line as it is, e.g. a table row. */
  void line(String text) {
    out.println(text);
  }
}
