package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.RequestTimeoutException;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.3: a request's future completes with the reply, which reaches the very instance that asked;
 * a handler's exception fails it with the remote error; no reply in time fails it with a timeout, and
 * a reply that comes later is counted, not delivered.
 */
class RequestReplyConformance extends ConformanceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MARKER = 1000;

  @Test
  void theHandlersReturnValueIsTheReply() {
    Reef responder = connect();
    Reef requester = connect();
    channel(responder).subscribe("doubler", (spore, context) -> Map.of("doubled", 2 * n(spore)));

    Spore request = Spore.builder(SporeType.REQUEST).from("asker").to("doubler").knowledge(n(21)).build();
    Spore reply = join(channel(requester).request(request, TIMEOUT));

    assertThat(reply.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(reply.replyTo()).as("reply_to").isEqualTo(request.id());
    assertThat(reply.fromAgent()).isEqualTo("doubler");
    assertThat(reply.toAgent()).isEqualTo("asker");
    assertThat(reply.knowledge().get("doubled").asInt()).isEqualTo(42);
  }

  @Test
  void aHandlerMayReplyExplicitly() {
    Reef reef = connect();
    channel(reef).subscribe("oracle", (spore, context) -> {
      join(context.reply(Map.of("answer", 42)));
      return Map.of("answer", "ignored: the handler already replied");
    });

    Spore reply = join(channel(reef).request("asker", "oracle", Map.of("question", "?"), TIMEOUT));

    assertThat(reply.knowledge().get("answer").asInt()).isEqualTo(42);
  }

  @Test
  void eachReplyReachesTheInstanceThatAsked() {
    Reef responder = connect();
    channel(responder).subscribe("echo", SubscriptionOptions.builder().concurrent(4).build(),
        (spore, context) -> spore.knowledge());
    // Three instances of one requester name, each in its own Reef (its own JVM).
    List<Reef> askers = List.of(connect(), connect(), connect());
    askers.forEach(reef -> channel(reef).subscribe("asker", (spore, context) -> null));

    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (int caller = 0; caller < askers.size(); caller++) {
      Channel channel = channel(askers.get(caller));
      for (int i = 0; i < 20; i++) {
        Map<String, Object> question = Map.of("caller", caller, "n", i);
        checks.add(channel.request("asker", "echo", question, TIMEOUT).thenAccept(reply ->
            assertThat(reply.knowledge().toMap()).as("reply to %s", question).isEqualTo(question)));
      }
    }

    joinAll(checks);
  }

  @Test
  void aHandlerExceptionFailsTheCallerWithTheRemoteError() {
    Reef responder = connect();
    Reef requester = connect();
    channel(responder).subscribe("warehouse", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, context) -> {
          throw new IllegalStateException("no stock for item 42");
        });

    CompletableFuture<Spore> reply = channel(requester).request("shop", "warehouse", Map.of("item", 42), TIMEOUT);

    // Well before the timeout: the error reply, not the silence, fails the future.
    Throwable failure = failureOf(reply, TIMEOUT.dividedBy(2));
    assertThat(failure).isInstanceOf(RemoteHandlerException.class).hasMessageContaining("no stock for item 42");
    RemoteHandlerException remote = (RemoteHandlerException) failure;
    assertThat(remote.agent()).isEqualTo("warehouse");
    assertThat(remote.errorType()).contains("IllegalStateException");
    assertThat(remote.remoteMessage()).isEqualTo("no stock for item 42");
  }

  @Test
  void aHandlerMayRefuseARequestWithAnErrorReplyThatIsNeitherRetriedNorDeadLettered() {
    Reef responder = connect();
    Reef requester = connect();
    AtomicInteger runs = new AtomicInteger();
    channel(responder).subscribe("clerk", (spore, context) -> {
      runs.incrementAndGet();
      join(context.replyError(new IllegalArgumentException("no such form")));
      return Map.of("ignored", "the request was answered already");
    });

    Throwable failure = failureOf(channel(requester).request("citizen", "clerk", Map.of("form", "Z9"), TIMEOUT),
        TIMEOUT.dividedBy(2));

    assertThat(failure).isInstanceOf(RemoteHandlerException.class);
    RemoteHandlerException remote = (RemoteHandlerException) failure;
    assertThat(remote.agent()).isEqualTo("clerk");
    assertThat(remote.errorType()).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(remote.remoteMessage()).isEqualTo("no such form");
    assertThat(responder.awaitQuiescence(TIMEOUT)).isTrue();
    assertThat(runs).as("handler runs: a refusal is final").hasValue(1);
    assertThat(responder.stats().deadLettered()).isZero();
    assertThat(responder.stats().retried()).isZero();
  }

  @Test
  void onlyARequestCanBeRefused() {
    Reef reef = connect();
    CompletableFuture<Throwable> refusal = new CompletableFuture<>();
    channel(reef).subscribe("clerk", (spore, context) -> {
      try {
        context.replyError(new IllegalStateException("no"));
        refusal.complete(null);
      } catch (IllegalStateException e) {
        refusal.complete(e);
      }
      return null;
    });

    join(channel(reef).send("citizen", "clerk", Map.of("note", "hello")));

    assertThat(join(refusal)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not a request");
  }

  @Test
  void noReplyInTimeFailsWithATimeoutAndALateReplyIsCountedNotDelivered() {
    Reef responder = connect();
    Reef requester = connect();
    Gate gate = newGate();
    channel(responder).subscribe("sloth", (spore, context) -> {
      gate.pass();
      return Map.of("finally", true);
    });
    Handled askerRuns = new Handled();
    channel(requester).subscribe("asker", askerRuns.recorder());

    CompletableFuture<Spore> reply = channel(requester).request("asker", "sloth", n(1), Duration.ofSeconds(1));
    eventually().until(() -> gate.waiting() == 1);

    Throwable failure = failureOf(reply);
    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("sloth");
    assertThat(requester.stats().lateReplies()).as("late replies before the reply was sent").isZero();

    gate.open();
    eventually().until(() -> requester.stats().lateReplies() == 1);
    assertThat(reply.isCompletedExceptionally()).as("the timed-out future stays failed").isTrue();
    // Had the late reply gone to the requester's agent queue, it would be handled before this marker.
    join(channel(responder).send("sloth", "asker", n(MARKER)));
    eventually().until(() -> askerRuns.count() >= 1);
    assertThat(askerRuns.numbers()).as("spores handled by the requester's agent").containsExactly(MARKER);
  }

  @Test
  void requestsFromHandlersReachTheAskingInstance() {
    Reef first = connect();
    Reef second = connect();
    channel(first).subscribe("adder", (spore, context) -> Map.of("n", n(spore) + 1));
    Handled results = new Handled();
    // A relay in each Reef asks 'adder' from inside its handler and forwards the answer.
    for (Reef reef : List.of(first, second)) {
      channel(reef).subscribe("relay", SubscriptionOptions.builder().concurrent(2).build(), (spore, context) -> {
        Spore answer = join(context.request("adder", spore.knowledge(), TIMEOUT));
        assertThat(n(answer)).isEqualTo(n(spore) + 1);
        results.record(spore, context);
        return null;
      });
    }

    for (int i = 0; i < 20; i++) {
      join(channel(second).send("client", "relay", n(i)));
    }

    eventually().until(() -> results.count() == 20);
    assertThat(results.numbers()).containsExactlyInAnyOrderElementsOf(upTo(20));
  }
}
