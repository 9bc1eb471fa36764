package dev.reef.examples;

import dev.reef.Channel;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.ReefStats;
import dev.reef.StreamingReply;
import dev.reef.agent.AgentRuntime;
import dev.reef.spore.Spore;
import io.micrometer.core.instrument.Counter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A multi-agent demo on the in-memory backend. Run it with
 * {@code mvn -q -pl examples -am compile exec:java}.
 *
 * <ol>
 *   <li>a researcher broadcasts findings; two instances of a summarizer share them, a fact-checker
 *       checks each, and a reporter, which responds to no finding, just counts them as unmatched;
 *   <li>the demo asks the reporter for a report, and the reporter asks the summarizer for a summary:
 *       two requests and replies in a chain;
 *   <li>the summarizer writes a paragraph and streams it word by word, as a language model streams
 *       its tokens;
 *   <li>the fact-checker cannot reach one source: after two attempts its spore is dead-lettered; the
 *       demo lists the dead letters and, once the source is back, replays them;
 *   <li>Reef's counters sum it up.
 * </ol>
 *
 * <p>Exits with 0 when everything expected happened, 1 when something did not (the trace says
 * what), 2 when the demo itself broke.
 */
public final class ReefDemo {
  /** The channel every agent of the demo talks on. */
  static final String CHANNEL = "lab";

  private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

  private final Trace trace;
  private final List<String> problems = new ArrayList<>();

  private ReefDemo(PrintStream out) {
    this.trace = new Trace(out);
  }

  /** Runs the demo, prints its trace to standard output, and exits with its status. */
  public static void main(String[] args) {
    int status;
    try {
      status = run(System.out).succeeded() ? 0 : 1;
    } catch (RuntimeException e) {
      System.out.println("The demo broke: " + e);
      e.printStackTrace(System.out);
      status = 2;
    }
    // Exit explicitly: the status tells scripts (and exec:java) whether the demo did what it should.
    System.exit(status);
  }

  /** Runs the whole demo on a fresh in-memory Reef, writing the trace to {@code out}. */
  public static DemoOutcome run(PrintStream out) {
    try (Reef reef = Reef.builder().uri("memory:").build()) {
      return run(out, reef);
    }
  }

  /**
   * Runs the whole demo on {@code reef}, which must be a namespace of its own (the demo counts its
   * dead letters and meters), and leaves it open.
   */
  public static DemoOutcome run(PrintStream out, Reef reef) {
    return new ReefDemo(out).run(reef);
  }

  private DemoOutcome run(Reef reef) {
    try (AgentRuntime runtime = AgentRuntime.on(reef)) {
      Channel lab = reef.channel(CHANNEL);
      Summarizer summarizer = new Summarizer(trace);
      FactChecker factChecker = new FactChecker(trace, Finding.FLAKY_SOURCE);
      runtime.register(new Researcher(trace))   // annotated classes ...
          .register(new Reporter(trace))
          .register(factChecker)
          .register(summarizer.spec());           // ... and an agent made of lambdas

      trace.step(1, "Start the agents on channel '" + CHANNEL + "' (in-memory backend)");
      runtime.start("researcher", 1);
      trace.label(runtime.start("summarizer", 2));
      runtime.start("reporter", 1);
      runtime.start("fact-checker", 1);
      for (String agent : runtime.agentNames()) {
        trace.say("demo", "started " + agent + " x" + runtime.instances(agent).size());
      }

      trace.step(2, "The researcher broadcasts its findings");
      lab.send("demo", "researcher", Map.of("type", "topic", "topic", "coral reefs")).join();
      awaitQuiet(runtime, "the findings");
      Map<String, Integer> perInstance = new TreeMap<>();
      summarizer.storedByInstance().forEach((id, count) -> perInstance.put(trace.labelOf(id), count));
      int stored = perInstance.values().stream().mapToInt(Integer::intValue).sum();
      long unmatched = (long) unmatchedCounter(reef, "reporter").count();
      expect(stored == Finding.CORAL_REEFS.size(), "the summarizer stored all " + Finding.CORAL_REEFS.size()
          + " findings (stored " + stored + ")");
      expect(perInstance.size() == 2, "both summarizer instances shared the findings " + perInstance);
      expect(unmatched == Finding.CORAL_REEFS.size(), "the reporter, which responds to no 'finding', counted "
          + unmatched + " unmatched spores");

      trace.step(3, "The demo asks the reporter for a report (request/reply, chained)");
      Spore report = ask(lab);
      int reportedFindings = report == null ? -1 : report.knowledge().get("findings").intValue();
      String summary = report == null ? null : report.knowledge().getString("summary");
      if (report != null) {
        trace.say("demo", "report from " + report.fromAgent() + ": \"" + report.knowledge().getString("title") + "\"");
        trace.say("demo", "  " + summary);
      }
      expect(reportedFindings == Finding.CORAL_REEFS.size(), "the report covers every finding");

      trace.step(4, "The summarizer writes its paragraph, streamed word by word");
      StringBuilder streamed = new StringBuilder();
      Spore written = write(lab, streamed);
      int words = written == null ? -1 : written.knowledge().get("words").intValue();
      String fullText = written == null ? null : written.knowledge().getString("text");
      trace.say("demo", "received: " + streamed);
      expect(written != null && streamed.toString().equals(fullText), "the words arrived in order, then the whole text ("
          + words + " words)");

      trace.step(5, "Dead letters: what the fact-checker gave up on");
      List<DeadLetter> deadLetters = reef.deadLetters().list();
      for (DeadLetter letter : deadLetters) {
        trace.line(String.format("  dead letter %s  agent=%s  attempts=%d  error=%s%n    spore: %s",
            shortId(letter.id()), letter.agent(), letter.attempts(), letter.error(),
            letter.spore().<Object>map(Spore::knowledge).orElse(letter.rawPayload().orElse(null))));
      }
      expect(deadLetters.size() == 1 && "fact-checker".equals(deadLetters.get(0).agent())
          && deadLetters.get(0).attempts() == 2, "one spore was dead-lettered by the fact-checker after 2 attempts");

      trace.step(6, "The source is back: replay the dead letters");
      factChecker.sourceIsBack(Finding.FLAKY_SOURCE);
      for (DeadLetter letter : deadLetters) {
        trace.say("demo", "replaying dead letter " + shortId(letter.id()) + " to " + letter.agent());
        reef.deadLetters().replay(letter.id()).join();
      }
      awaitQuiet(runtime, "the replay");
      int deadLettersLeft = reef.deadLetters().list().size();
      expect(factChecker.checked().size() == Finding.CORAL_REEFS.size(),
          "the fact-checker checked every finding " + factChecker.checked());
      expect(deadLettersLeft == 0, "no dead letters are left (" + deadLettersLeft + ")");

      trace.step(7, "Reef stats");
      ReefStats stats = reef.stats();
      printStats(stats, unmatched);
      expect(stats.deadLettered() == 1 && stats.retried() == 1 && stats.inFlight() == 0,
          "the counters agree: 1 retried, 1 dead-lettered, nothing in flight");

      trace.line("");
      trace.line(problems.isEmpty()
          ? "Demo complete: everything expected happened."
          : "Demo FAILED: " + problems.size() + " expectation(s) did not hold: " + problems);
      return new DemoOutcome(stored, perInstance, unmatched, reportedFindings, summary, deadLetters.size(),
          deadLettersLeft, factChecker.checked(), stats, problems);
    } // closing the runtime stops every instance, letting in-flight handlers finish
  }

  private Spore ask(Channel lab) {
    trace.say("demo", "asking reporter for a report");
    try {
      return lab.request("demo", "reporter", Map.of("type", "report-request"), REPLY_TIMEOUT)
          .get(REPLY_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      expect(false, "a reply came back from the reporter (" + e.getCause() + ")");
    } catch (TimeoutException e) {
      expect(false, "a reply came back from the reporter (no answer, not even a timeout)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      expect(false, "a reply came back from the reporter (interrupted)");
    }
    return null;
  }

  /** Asks the summarizer to write, gathering the streamed words into {@code text}; null when it failed. */
  private Spore write(Channel lab, StringBuilder text) {
    trace.say("demo", "asking summarizer to write");
    StreamingReply reply = lab.requestStream("demo", "summarizer", Map.of("type", "write-request"), REPLY_TIMEOUT,
        part -> text.append(text.length() == 0 ? "" : " ").append(part.knowledge().getString("word")));
    try {
      return reply.reply().get(QUIET_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      expect(false, "the summarizer wrote its text (" + e.getCause() + ")");
    } catch (TimeoutException e) {
      reply.cancel();
      expect(false, "the summarizer wrote its text (it did not finish in time)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      expect(false, "the summarizer wrote its text (interrupted)");
    }
    return null;
  }

  private void awaitQuiet(AgentRuntime runtime, String what) {
    boolean quiet = runtime.awaitQuiescence(QUIET_TIMEOUT);
    expect(quiet, "the agents went quiet after " + what);
  }

  private void printStats(ReefStats stats, long unmatched) {
    trace.line(String.format("  %-14s %5d   %-14s %5d   %-14s %5d", "sent", stats.sent(), "received", stats.received(),
        "handled", stats.handled()));
    trace.line(String.format("  %-14s %5d   %-14s %5d   %-14s %5d", "failed", stats.failed(), "retried",
        stats.retried(), "dead-lettered", stats.deadLettered()));
    trace.line(String.format("  %-14s %5d   %-14s %5d   %-14s %5d", "expired", stats.expired(), "duplicates",
        stats.duplicates(), "unmatched", unmatched));
    trace.line(String.format("  %-14s %5d   %-14s %5d   %-14s %5d", "late replies", stats.lateReplies(),
        "send failures", stats.sendFailures(), "in flight", stats.inFlight()));
  }

  /** Records a failed expectation; prints every check so the trace shows what was verified. */
  private void expect(boolean holds, String expectation) {
    trace.line((holds ? "  ok    " : "  FAIL  ") + expectation);
    if (!holds) {
      problems.add(expectation);
    }
  }

  private static Counter unmatchedCounter(Reef reef, String agent) {
    return reef.meterRegistry().get("reef.spores.unmatched").tag("channel", CHANNEL).tag("agent", agent).counter();
  }

  private static String shortId(String id) {
    return id.length() > 8 ? id.substring(0, 8) : id;
  }
}
