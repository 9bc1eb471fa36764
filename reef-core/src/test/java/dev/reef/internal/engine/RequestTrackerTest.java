package dev.reef.internal.engine;

import dev.reef.ReefClosedException;
import dev.reef.RemoteHandlerException;
import dev.reef.RequestTimeoutException;
import dev.reef.ScatterTarget;
import dev.reef.UnknownDestinationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.spi.Outbound;
import dev.reef.spore.JsonDocument;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import io.vertx.core.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Request/reply correlation (SPEC §3.3) against a {@link FakeBackend} that plays the responder. */
class RequestTrackerTest extends WithFakeBackend {

  private static Spore responseTo(Spore request, Map<String, ?> knowledge) {
    return Spore.builder(SporeType.RESPONSE).from(request.toAgent()).to(request.fromAgent())
        .replyTo(request.id()).knowledge(knowledge).build();
  }

  @Test
  void aRequestCarriesTheReplyAddressAndExpiresWithItsTimeout() {
    Instant before = Instant.now();
    channel.request("asker", "answerer", Map.of("q", 1), Duration.ofSeconds(30));

    Outbound outbound = backend.published.get(0);
    assertThat(outbound.replyAddress()).isEqualTo(FakeBackend.REPLY_ADDRESS);
    assertThat(outbound.targetAgent()).isEqualTo("answerer");
    assertThat(outbound.spore().type()).isEqualTo(SporeType.REQUEST);
    assertThat(outbound.spore().expiresAt()).isBetween(before.plusSeconds(29), Instant.now().plusSeconds(30));
  }

  @Test
  void anEarlierExpiryOfTheRequestIsKept() {
    Instant soon = Instant.now().plusSeconds(2);
    Spore request = Spore.builder(SporeType.REQUEST).from("asker").to("answerer").expiresAt(soon).build();
    channel.request(request, Duration.ofMinutes(1));
    assertThat(backend.published.get(0).spore().expiresAt()).isEqualTo(request.expiresAt());
  }

  @Test
  void theReplyCompletesTheFutureOffTheBackendThread() throws Exception {
    CompletableFuture<Spore> reply = channel.request("asker", "answerer", Map.of("q", 1), Duration.ofSeconds(30));
    CompletableFuture<Boolean> continuedOnWorker = reply.thenApply(r -> Context.isOnWorkerThread());
    Spore request = backend.published.get(0).spore();

    backend.replyHandler.onReply(responseTo(request, Map.of("a", 2)), Optional.empty());

    // The continuation first: a thread waiting in get() on `reply` itself helps run reply's dependents,
    // so reading the reply first could run the continuation on this test thread.
    assertThat(continuedOnWorker.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(reply.get(WAIT_SECONDS, TimeUnit.SECONDS).knowledge().get("a").intValue()).isEqualTo(2);
  }

  @Test
  void eachReplyReachesTheRequestItAnswers() throws Exception {
    CompletableFuture<Spore> first = channel.request("asker", "answerer", Map.of("n", 1), Duration.ofSeconds(30));
    CompletableFuture<Spore> second = channel.request("asker", "answerer", Map.of("n", 2), Duration.ofSeconds(30));
    Spore firstRequest = backend.published.get(0).spore();
    Spore secondRequest = backend.published.get(1).spore();

    backend.replyHandler.onReply(responseTo(secondRequest, Map.of("for", 2)), Optional.empty());
    backend.replyHandler.onReply(responseTo(firstRequest, Map.of("for", 1)), Optional.empty());

    assertThat(first.get(WAIT_SECONDS, TimeUnit.SECONDS).knowledge().get("for").intValue()).isEqualTo(1);
    assertThat(second.get(WAIT_SECONDS, TimeUnit.SECONDS).knowledge().get("for").intValue()).isEqualTo(2);
  }

  @Test
  void anErrorReplyFailsTheFutureWithTheRemoteError() {
    CompletableFuture<Spore> reply = channel.request("asker", "answerer", Map.of(), Duration.ofSeconds(30));
    Spore request = backend.published.get(0).spore();
    Spore error = Spore.builder(SporeType.RESPONSE).from("answerer").to("asker").replyTo(request.id())
        .knowledge(Map.of("error", "no"))
        .metadata(Replies.ERROR_KEY, JsonDocument.of(Map.of(
            "type", "java.lang.IllegalStateException", "message", "no", "agent", "answerer")).toObjectNode())
        .build();

    backend.replyHandler.onReply(error, Optional.empty());

    assertThatThrownBy(() -> reply.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(RemoteHandlerException.class, remote -> {
          assertThat(remote.agent()).isEqualTo("answerer");
          assertThat(remote.errorType()).isEqualTo("java.lang.IllegalStateException");
          assertThat(remote.remoteMessage()).isEqualTo("no");
        })
        .hasMessage("agent 'answerer' failed: java.lang.IllegalStateException: no");
  }

  @Test
  void noReplyInTimeFailsWithATimeoutAndALateReplyIsCountedNotDelivered() {
    CompletableFuture<Spore> reply = channel.request("asker", "answerer", Map.of(), Duration.ofMillis(50));
    Spore request = backend.published.get(0).spore();

    assertThatThrownBy(() -> reply.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(RequestTimeoutException.class,
            timeout -> assertThat(timeout.requestId()).isEqualTo(request.id()))
        .hasMessageContaining("no reply from 'answerer'").hasMessageContaining("within 50 ms");

    backend.replyHandler.onReply(responseTo(request, Map.of()), Optional.empty());
    assertThat(reef.stats().lateReplies()).isEqualTo(1);
  }

  @Test
  void aSendThatTheBackendRefusesFailsTheRequestAtOnce() {
    backend.publishOutcome = message ->
        CompletableFuture.failedFuture(new UnknownDestinationException(message.channel(), message.targetAgent()));

    CompletableFuture<Spore> reply = channel.request("asker", "nobody", Map.of(), Duration.ofMinutes(1));

    assertThatThrownBy(() -> reply.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(UnknownDestinationException.class);
  }

  @Test
  void requestArgumentsAreChecked() {
    assertThatThrownBy(() -> channel.request("asker", "answerer", Map.of(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, got PT0S");
    assertThatThrownBy(() -> channel.request("asker", "answerer", Map.of(), null))
        .isInstanceOf(NullPointerException.class).hasMessage("timeout");
    assertThatThrownBy(() -> channel.request(Spore.builder(SporeType.KNOWLEDGE).from("a").to("b").build(),
        Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got knowledge");
    assertThat(backend.published).isEmpty();
  }

  @Test
  void closingTheReefFailsPendingRequests() {
    CompletableFuture<Spore> reply = channel.request("asker", "answerer", Map.of(), Duration.ofMinutes(1));

    reef.close();

    assertThatThrownBy(() -> reply.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ReefClosedException.class);
    assertThat(backend.replyHandler).as("the reply endpoint is closed").isNull();
  }

  @Test
  void scatterWithNoOneRunningCompletesEmpty() throws Exception {
    assertThat(channel.scatter("asker", Map.of(), ScatterTarget.allAgents(), Duration.ofSeconds(1))
        .get(WAIT_SECONDS, TimeUnit.SECONDS)).isEmpty();
    assertThat(backend.published).isEmpty();
  }

  @Test
  void whenTheReplyAddressComesBackThePlainRequestsStillWaitingAreSentAgainAsTheyWere() throws Exception {
    CompletableFuture<Spore> waiting = channel.request("asker", "answerer", Map.of("n", 1), Duration.ofSeconds(30));
    CompletableFuture<Spore> answered = channel.request("asker", "answerer", Map.of("n", 2), Duration.ofSeconds(30));
    Spore first = backend.published.get(0).spore();
    Spore second = backend.published.get(1).spore();
    backend.replyHandler.onReply(responseTo(second, Map.of("for", 2)), Optional.empty());
    answered.get(WAIT_SECONDS, TimeUnit.SECONDS);

    backend.replyHandler.onReopened();

    waitUntil("the request is sent again", () -> backend.published.size() == 3);
    Outbound again = backend.published.get(2);
    assertThat(again.spore().id()).as("the same request, so its responder knows it").isEqualTo(first.id());
    assertThat(again.replyAddress()).isEqualTo(FakeBackend.REPLY_ADDRESS);
    assertThat(again.spore().expiresAt()).isEqualTo(first.expiresAt());
    assertThat(reef.meterRegistry().counter("reef.requests.resent", "channel", "main", "agent", "asker", "type",
        "request").count()).isEqualTo(1.0);

    backend.replyHandler.onReply(responseTo(first, Map.of("for", 1)), Optional.empty());
    assertThat(waiting.get(WAIT_SECONDS, TimeUnit.SECONDS).knowledge().get("for").intValue()).isEqualTo(1);
  }

  @Test
  void aReplyThatComesTwiceIsADuplicateNotALateReply() throws Exception {
    CompletableFuture<Spore> reply = channel.request("asker", "answerer", Map.of("n", 1), Duration.ofSeconds(30));
    Spore request = backend.published.get(0).spore();
    Spore answer = responseTo(request, Map.of("a", 1));
    backend.replyHandler.onReply(answer, Optional.empty());
    reply.get(WAIT_SECONDS, TimeUnit.SECONDS);

    backend.replyHandler.onReply(answer, Optional.empty()); // the reply sent again after a reconnect

    assertThat(reef.meterRegistry().find("reef.spores.duplicates").counters()).singleElement()
        .satisfies(counter -> assertThat(counter.count()).isEqualTo(1.0));
    assertThat(reef.meterRegistry().find("reef.replies.late").counters()).isEmpty();

    Spore forged = Spore.builder(SporeType.RESPONSE).from("mallory").to("asker").replyTo(request.id())
        .knowledge(Map.of("a", 666)).build();
    backend.replyHandler.onReply(forged, Optional.empty()); // the same request, answered by someone else

    assertThat(reef.meterRegistry().find("reef.replies.late").counters()).singleElement()
        .satisfies(counter -> assertThat(counter.count()).isEqualTo(1.0));
  }
}
