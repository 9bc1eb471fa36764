package dev.reef.examples.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.StreamingReply;
import dev.reef.agent.AgentRuntime;
import dev.reef.examples.distributed.Writer.Text;
import dev.reef.examples.distributed.Writer.Word;
import dev.reef.spore.Spore;
import dev.reef.test.ReefTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer of the distributed example in one JVM: the same code that {@code reef run} starts. */
@ReefTest
class WriterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private Channel main;

  @BeforeEach
  void startTheWriter(Reef reef) {
    main = reef.channel("main");
    AgentRuntime.on(reef).register(Writer.class).start("writer", 1);
  }

  @Test
  void itStreamsNumberedWordsThenTheWholeText() {
    List<Word> words = new CopyOnWriteArrayList<>();

    StreamingReply call = main.requestStream("reader", "writer",
        Map.of("type", "write", "topic", "kelp forests", "words", 25, "word_ms", 0), WAIT,
        part -> words.add(part.knowledge(Word.class)));
    Text text = call.reply().join().knowledge(Text.class);

    assertThat(words).extracting(Word::n).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 25)
        .boxed().toList());
    assertThat(text.words()).isEqualTo(25);
    assertThat(text.topic()).isEqualTo("kelp forests");
    assertThat(text.text()).isEqualTo(String.join(" ", words.stream().map(Word::word).toList()));
    assertThat(text.text()).startsWith("Kelp forests cover less than one percent");
  }

  @Test
  void aWordCountOutOfRangeFailsTheReaderWithoutAPart() {
    List<Spore> parts = new CopyOnWriteArrayList<>();

    StreamingReply call = main.requestStream("reader", "writer", Map.of("type", "write", "words", 0), WAIT,
        parts::add);

    assertThat(call.reply()).failsWithin(WAIT).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(RemoteHandlerException.class,
            error -> assertThat(error.remoteMessage()).isEqualTo("words must be between 1 and 100000, got 0"));
    assertThat(parts).isEmpty();
  }
}
