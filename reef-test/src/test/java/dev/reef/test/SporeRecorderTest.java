package dev.reef.test;

import static dev.reef.test.SporeMatch.from;
import static dev.reef.test.SporeMatch.knowledgeType;
import static dev.reef.test.SporeMatch.to;
import static dev.reef.test.SporeMatch.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@ReefTest
class SporeRecorderTest {
  record Job(String type, int job) {}

  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void awaitsWhatWasRecordedAlreadyAndWhatComesLater(Reef reef) {
    Channel lab = reef.channel("lab");
    lab.subscribe("researcher", (spore, ctx) -> {
      ctx.broadcast(Map.of("type", "finding", "n", 1)).join();
      ctx.broadcast(Map.of("type", "finding", "n", 2)).join();
      return null;
    });
    lab.subscribe("summarizer", (spore, ctx) -> null);

    try (SporeRecorder recorder = SporeRecorder.observe(lab)) {
      Spore topic = Spore.builder(SporeType.KNOWLEDGE).from("me").to("researcher")
          .knowledge(Map.of("type", "topic")).build();
      lab.send(topic).join();

      List<Spore> findings = recorder.await(knowledgeType("finding"), 2, WAIT);
      assertThat(findings).extracting(spore -> spore.knowledge().get("n").asInt()).containsExactly(1, 2);
      assertThat(findings).allSatisfy(finding -> assertThat(finding.causedBy()).isEqualTo(topic.id()));
      assertThat(recorder.await(SporeMatch.causedBy(topic.id()).and(from("researcher")), WAIT))
          .isEqualTo(findings.get(0));
      assertThat(recorder.spores(to("researcher"))).containsExactly(topic);
    }
  }

  @Test
  void aFailedExpectationListsWhatWasRecorded(Reef reef) {
    Channel main = reef.channel("main");
    main.subscribe("worker", (spore, ctx) -> null);
    try (SporeRecorder recorder = SporeRecorder.observe(main)) {
      main.send("boss", "worker", new Job("job", 7)).join();
      recorder.await(knowledgeType("job"), WAIT);

      assertThatThrownBy(() -> recorder.await(type(SporeType.REQUEST).and(to("worker")), Duration.ofMillis(200)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("expected 1 spore(s) matching (a request) and (to worker) within PT0.2S")
          .hasMessageContaining("observed on channel 'main'; got 0")
          .hasMessageContaining("Recorded 1 spore(s)")
          .hasMessageContaining("1. knowledge boss -> worker {\"type\":\"job\",\"job\":7}");
    }
  }

  @Test
  void assertNoneFailsAtTheFirstSporeThatMustNotCome(Reef reef) {
    Channel main = reef.channel("main");
    main.subscribe("worker", (spore, ctx) -> null);
    try (SporeRecorder recorder = SporeRecorder.observe(main)) {
      recorder.assertNone(SporeMatch.any(), Duration.ofMillis(100));

      main.send("boss", "worker", Map.of("type", "job")).join();

      assertThatThrownBy(() -> recorder.assertNone(to("worker"), WAIT))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("expected no spore matching to worker")
          .hasMessageContaining("boss -> worker");
    }
  }

  @Test
  void anAgentRecorderTakesSporesAndAnswersRequests(Reef reef) {
    Channel main = reef.channel("main");
    try (SporeRecorder inbox = SporeRecorder.asAgent(main, "inbox")) {
      main.broadcast("me", Map.of("type", "news")).join();
      Spore reply = main.request("me", "inbox", Map.of("type", "question"), WAIT).join();

      assertThat(reply.replyTo()).isNotNull();
      assertThat(inbox.await(knowledgeType("news"), WAIT).isBroadcast()).isTrue();
      assertThat(inbox.await(type(SporeType.REQUEST), WAIT).knowledge().getString("type")).isEqualTo("question");
    }
  }

  @Test
  void refusesNonsense(Reef reef) {
    try (SporeRecorder recorder = SporeRecorder.observe(reef.channel("main"))) {
      assertThatThrownBy(() -> recorder.await(SporeMatch.any(), 0, WAIT)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> recorder.await(SporeMatch.any(), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
