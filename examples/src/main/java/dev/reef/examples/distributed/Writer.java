package dev.reef.examples.distributed;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.reef.Concurrency;
import dev.reef.HandlerContext;
import dev.reef.ReplyStream;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.SporeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes about a topic and streams its text word by word, as a language model streams its tokens (no
 * model here: the prose is made up from a few sentences). A request {@code {"type": "write", "topic":
 * "coral reefs", "words": 30}} is answered with one part {@link Word} per word, then the final reply
 * {@link Text} with the whole text. A reader that cancels (or goes away and lets the stream go idle)
 * stops it: the writer logs it and writes no further word.
 *
 * <pre>{@code
 * bin/reef send --to writer --wait --stream --knowledge '{"type":"write","topic":"coral reefs","words":30}'
 * }</pre>
 */
@AgentDefinition(name = "writer", capabilities = "writing", concurrency = Concurrency.CONCURRENT, poolSize = 4,
    maxAttempts = 1)
public final class Writer {
  private static final Logger LOG = LoggerFactory.getLogger(Writer.class);
  private static final int MAX_WORDS = 100_000;
  private static final long MAX_WORD_MS = 10_000;
  private static final String[] SENTENCES = {
      "%s cover less than one percent of the ocean floor yet shelter a quarter of all marine species.",
      "Warming water is the greatest threat to %s, and the findings gathered here agree on it.",
      "Tiny animals build %s over thousands of years, one layer of limestone at a time.",
      "Where %s are protected, fish return within a decade and the coast is safer from storms."};

  /**
   * What the writer is asked.
   *
   * @param type always {@code write}
   * @param topic what to write about (default {@code coral reefs})
   * @param words how many words to write, 1 to 100,000 (default 40)
   * @param wordMs how long each word takes, in milliseconds, as a model takes its time (default 20)
   */
  public record Assignment(String type, String topic, Integer words, @JsonProperty("word_ms") Long wordMs) {}

  /**
   * One part of the stream.
   *
   * @param word the next word
   * @param n its number, from 1
   */
  public record Word(String word, int n) {}

  /**
   * The final reply.
   *
   * @param type always {@code text}
   * @param topic the topic written about
   * @param text every word, in order, separated by spaces
   * @param words how many words
   */
  public record Text(String type, String topic, String text, int words) {}

  /** Called by the launcher. */
  public Writer() {}

  @OnSpore(respondsTo = "write", types = SporeType.REQUEST)
  Text write(Assignment assignment, HandlerContext context) throws InterruptedException {
    int count = assignment.words() == null ? 40 : assignment.words();
    if (count < 1 || count > MAX_WORDS) {
      throw new IllegalArgumentException("words must be between 1 and " + MAX_WORDS + ", got " + count);
    }
    long wordMs = assignment.wordMs() == null ? 20 : Math.max(0, Math.min(MAX_WORD_MS, assignment.wordMs()));
    String topic = assignment.topic() == null || assignment.topic().isBlank() ? "coral reefs" : assignment.topic();
    List<String> words = words(topic, count);
    ReplyStream stream = context.stream();
    stream.onCancel(() -> LOG.info("writer: the reader of request {} cancelled after {} of {} words",
        context.sporeId(), stream.partsSent(), count));
    for (int i = 0; i < count; i++) {
      if (stream.isCancelled()) {
        return null; // nobody reads the end any more
      }
      stream.send(new Word(words.get(i), i + 1));
      if (wordMs > 0) {
        Thread.sleep(wordMs);
      }
    }
    return new Text("text", topic, String.join(" ", words), count);
  }

  /** The first {@code count} words of the made-up prose about {@code topic}. */
  static List<String> words(String topic, int count) {
    List<String> words = new ArrayList<>(count);
    for (int sentence = 0; words.size() < count; sentence++) {
      String text = String.format(Locale.ROOT, SENTENCES[sentence % SENTENCES.length], topic);
      if (sentence % SENTENCES.length == 0 || sentence % SENTENCES.length == 2) {
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
      }
      for (String word : text.split(" ")) {
        if (words.size() < count) {
          words.add(word);
        }
      }
    }
    return words;
  }
}
