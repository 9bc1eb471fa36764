package dev.reef.tools.cli;

import dev.reef.Channel;
import dev.reef.StreamingReply;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code reef send --wait --stream}: a request whose reply comes in parts (SPEC §3.14). Each part is
 * printed the moment it arrives, on one line: for people its {@code word} or {@code text} field when
 * it has one, else its knowledge as compact JSON; for scripts the whole spore as JSON. Waits as long
 * as parts keep coming: the idle timeout bounds the wait for each.
 */
final class StreamedRequest {
  /** Beyond the idle timeout, how long to wait for Reef to fail an idle stream before giving up on it. */
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final String[] TEXT_FIELDS = {"word", "text"};

  private final PrintWriter out;
  private final boolean json;
  private StreamingReply call;

  StreamedRequest(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /**
   * Sends {@code request} and prints its parts as they come; returns the final reply, printed too.
   *
   * @throws ExecutionException when the stream failed: the handler's error, its idle timeout, the send
   * @throws TimeoutException when not even the idle timeout ended the stream (it is then cancelled)
   */
  Spore run(Channel target, Spore request, Duration idleTimeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    call = target.requestStream(request, idleTimeout, this::print);
    // Ctrl-C stops the writer too: the cancel goes out before the JVM ends (given a moment to leave).
    Thread cancelOnExit = new Thread(() -> {
      if (!call.reply().isDone()) {
        call.cancel();
        try {
          Thread.sleep(CANCEL_GRACE.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "reef-send-cancel");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try {
      return await(idleTimeout);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it cancels
      }
    }
  }

  private Spore await(Duration idleTimeout) throws InterruptedException, ExecutionException, TimeoutException {
    long partsBefore = -1;
    while (true) {
      try {
        // Parts are handed over, in order, before the reply completes: they are all printed by now.
        Spore reply = call.reply().get(idleTimeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        out.println(json ? SporeJson.encode(reply) : SporeText.knowledge(reply));
        out.flush();
        return reply;
      } catch (TimeoutException e) {
        long parts = call.partsReceived();
        if (parts == partsBefore) {
          call.cancel();
          throw e;
        }
        partsBefore = parts;
      }
    }
  }

  /** How long a cancelled stream's JVM lingers on its way out, so that the cancel reaches the broker. */
  private static final Duration CANCEL_GRACE = Duration.ofMillis(300);

  /** How many parts were printed. */
  long parts() {
    return call == null ? 0 : call.partsReceived();
  }

  private void print(Spore part) {
    out.println(json ? SporeJson.encode(part) : line(part));
    out.flush(); // as it arrives, also into a pipe
  }

  /** A part for people: its word or text, else its knowledge, on one line. */
  static String line(Spore part) {
    JsonDocument knowledge = part.knowledge();
    if (knowledge == null) {
      return "(no knowledge)";
    }
    for (String field : TEXT_FIELDS) {
      String text = knowledge.getString(field);
      if (text != null) {
        return text.replaceAll("\\R", " ");
      }
    }
    return knowledge.toJson();
  }
}
