package dev.reef.examples.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.StreamingReply;
import dev.reef.examples.distributed.Writer.Text;
import dev.reef.examples.distributed.Writer.Word;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streamed replies across JVMs (issue 11, acceptance 3 and 5): the distributed example's {@code
 * writer} runs in a {@code bin/reef run} JVM on RabbitMQ. This test's JVM reads 1,000 parts from it
 * in order, then the final reply, and cancels a stream, which the writer's JVM hears; {@code reef
 * send --wait --stream} prints each part as it arrives, then the reply, and fails with one line when
 * the stream goes idle or the writer fails.
 */
class StreamingProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration IDLE = Duration.ofSeconds(10);
  private static final String WRITER = "dev.reef.examples.distributed.Writer";

  private static String namespace;
  private static Map<String, String> environment;
  private static ReefProcess writerJvm;
  private static Reef reader;
  private static final List<ReefProcess> commands = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startTheWriterJvm() {
    namespace = ProcessBroker.newNamespace();
    environment = Map.of("REEF_AMQP_URI", ProcessBroker.uri(), "REEF_NAMESPACE", namespace);
    Map<String, String> writerEnvironment = new java.util.HashMap<>(environment);
    writerEnvironment.put("REEF_LOG_LEVEL", "INFO"); // the writer logs the cancels it hears
    writerJvm = ReefProcess.start("writer JVM", writerEnvironment, "run", WRITER);
    writerJvm.awaitStderr(line -> line.startsWith("reef run: ready: writer x1"), START);
    reader = Reef.builder().uri(ProcessBroker.uri()).namespace(namespace).build();
  }

  @AfterAll
  static void stopEverything() {
    try {
      if (reader != null) {
        reader.close(Duration.ofSeconds(5));
      }
      commands.forEach(ReefProcess::close);
      if (writerJvm != null) {
        writerJvm.close();
      }
    } finally {
      ProcessBroker.deleteTopology(namespace, List.of("main"), List.of("writer"));
    }
  }

  private static ReefProcess reef(String... args) {
    ReefProcess process = ReefProcess.start("reef " + String.join(" ", args), environment, args);
    commands.add(process);
    return process;
  }

  private static Channel main() {
    return reader.channel("main");
  }

  @Test
  void aThousandPartsFromTheWriterJvmArriveInOrderThenTheWholeText() throws Exception {
    List<Word> words = new CopyOnWriteArrayList<>();

    StreamingReply call = main().requestStream("reader", "writer",
        Map.of("type", "write", "topic", "coral reefs", "words", 1_000, "word_ms", 0), IDLE,
        part -> words.add(part.knowledge(Word.class)));
    Text text = call.reply().get(60, TimeUnit.SECONDS).knowledge(Text.class);

    assertThat(words).extracting(Word::n).as("part numbers, in the order they arrived")
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 1_000).boxed().toList());
    assertThat(text.words()).isEqualTo(1_000);
    assertThat(text.text()).as("the final reply: the parts' words").isEqualTo(
        String.join(" ", words.stream().map(Word::word).toList()));
  }

  @Test
  void aCancelFromThisJvmReachesTheWriterJvmWithinASecondAndNoPartComesAfterIt() throws Exception {
    Spore request = Spore.builder(SporeType.REQUEST).from("reader").to("writer")
        .knowledge(Map.of("type", "write", "words", 100_000, "word_ms", 10)).build();
    List<Integer> handedOver = new CopyOnWriteArrayList<>();
    AtomicReference<StreamingReply> call = new AtomicReference<>();
    AtomicReference<Instant> cancelledAt = new AtomicReference<>();
    Object started = new Object();

    synchronized (started) { // the consumer cancels through `call`: set it before the first part is handed over
      call.set(main().requestStream(request, IDLE, part -> {
        synchronized (started) {
          handedOver.add(part.knowledge(Word.class).n());
          if (handedOver.size() == 5) {
            cancelledAt.set(Instant.now());
            call.get().cancel(); // on the lane that hands parts over: "after" is exact
          }
        }
      }));
    }

    Throwable failure = call.get().reply().handle((ok, error) -> error).get(60, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(CancellationException.class);
    String heard = writerJvm.awaitStderr(line -> line.contains("the reader of request " + request.id()), START);
    // The writer's log line carries its JVM's clock; both JVMs read this machine's.
    Instant heardAt = Instant.parse(heard.substring(0, heard.indexOf(' ')));
    System.out.printf("cancel: heard by the writer JVM (pid %d) %d ms after this JVM (pid %d) sent it%n",
        writerJvm.pid(), Duration.between(cancelledAt.get(), heardAt).toMillis(), ProcessHandle.current().pid());
    assertThat(Duration.between(cancelledAt.get(), heardAt)).as("from the cancel here to the writer, there: %s",
        heard).isLessThan(Duration.ofSeconds(1));
    assertThat(heard).contains("cancelled after").contains("of 100000 words");
    // A second stream from the writer comes back the same way, after any late part of the first.
    assertThat(main().request("reader", "writer", Map.of("type", "write", "words", 1, "word_ms", 0), IDLE)
        .get(30, TimeUnit.SECONDS).knowledge().get("words").asInt()).isEqualTo(1);
    assertThat(handedOver).as("parts handed over: up to the one the reader cancelled on, none after")
        .containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void sendWaitStreamPrintsEachWordAsItArrivesThenTheReply() throws IOException {
    ReefProcess send = reef("send", "--to", "writer", "--wait", "--stream", "--knowledge",
        "{\"type\":\"write\",\"topic\":\"coral reefs\",\"words\":6,\"word_ms\":400}");

    send.awaitStdout(line -> !line.isBlank(), START);
    // The first word is out while the writer still writes: at least 2 s of words to come, then the reply.
    assertThat(send.stdout()).as(send.describe()).hasSizeLessThan(6);
    assertThat(send.awaitExit(START)).as(send.describe()).isZero();

    List<String> out = send.stdout();
    List<String> words = out.subList(0, 6);
    JsonNode reply = JSON.readTree(String.join("\n", out.subList(6, out.size())));
    assertThat(words).containsExactly("Coral", "reefs", "cover", "less", "than", "one");
    assertThat(reply.path("text").asText()).isEqualTo(String.join(" ", words));
    assertThat(reply.path("words").asInt()).isEqualTo(6);
    assertThat(send.stderr()).as(send.describe()).anyMatch(line -> line.matches("reef send: 6 part\\(s\\), then the "
        + "reply from 'writer' in [0-9.]+ (ms|s) \\(request [0-9a-f-]{36}, reply [0-9a-f-]{36}\\)"));
  }

  @Test
  void withJsonEachPartIsASporeOnItsOwnLineThenTheReply() throws IOException {
    ReefProcess send = reef("send", "--to", "writer", "--wait", "--stream", "--json", "--knowledge",
        "{\"type\":\"write\",\"words\":12,\"word_ms\":0}");

    assertThat(send.awaitExit(START)).as(send.describe()).isZero();
    List<JsonNode> spores = new ArrayList<>();
    for (String line : send.stdout()) {
      spores.add(JSON.readTree(line));
    }
    assertThat(spores).as(send.describe()).hasSize(13).allSatisfy(spore -> {
      assertThat(spore.path("spore_type").asText()).isEqualTo("response");
      assertThat(spore.path("from_agent").asText()).isEqualTo("writer");
    });
    assertThat(spores.subList(0, 12)).extracting(spore -> spore.path("knowledge").path("n").asInt())
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 12).boxed().toList());
    assertThat(spores.get(12).path("knowledge").path("words").asInt()).isEqualTo(12);
  }

  @Test
  void anIdleStreamExitsWith1AndOneLineAndTheWriterHearsOfIt() {
    // --timeout also bounds the command's start and connection (a loaded machine took over 1 s), and the
    // writer's second word comes 6 s after its idle timeout ends the stream.
    ReefProcess send = reef("send", "--to", "writer", "--wait", "--stream", "--timeout", "4s", "--knowledge",
        "{\"type\":\"write\",\"words\":3,\"word_ms\":10000}");

    assertThat(send.awaitExit(START)).as(send.describe()).isEqualTo(1);
    assertThat(send.stdout()).as(send.describe()).containsExactly("Coral");
    assertThat(send.stderr()).as(send.describe()).singleElement().asString()
        .startsWith("reef send: the stream from 'writer' answering request ")
        .endsWith(" was idle for 4000 ms after 1 part(s)");
    String requestId = send.stderr().get(0).replaceAll(".* answering request (\\S+) .*", "$1");
    writerJvm.awaitStderr(line -> line.contains("the reader of request " + requestId + " cancelled after 1 of 3"),
        START);
  }

  @Test
  void aWriterThatFailsExitsWith1AndOneLine() {
    ReefProcess send = reef("send", "--to", "writer", "--wait", "--stream", "--knowledge",
        "{\"type\":\"write\",\"words\":0}");

    assertThat(send.awaitExit(START)).as(send.describe()).isEqualTo(1);
    assertThat(send.stdout()).as(send.describe()).isEmpty();
    assertThat(send.stderr()).as(send.describe()).containsExactly("reef send: agent 'writer' failed to answer: "
        + "java.lang.IllegalArgumentException: words must be between 1 and 100000, got 0 (after 0 part(s))");
  }
}
