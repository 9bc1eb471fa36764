package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.DeadLetter;
import dev.reef.Observation;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.ScatterTarget;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import dev.reef.spore.Spore;
import java.time.Duration;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRetention;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * SPEC §8: every action goes through the {@link dev.reef.Authorizer}, with the channel, the agent
 * that acts and the agent it targets: sends, broadcasts, requests, replies, scatters, subscribing
 * and unsubscribing, observing, listing, replaying (checked again as the send it amounts to) and
 * purging dead letters, keeping and reading a channel's history, listing and deleting a namespace.
 */
class AuthorizationConformance extends ConformanceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void theAuthorizerIsAskedAboutEveryActionWithItsChannelAgentAndTarget() {
    List<AccessRequest> asked = new CopyOnWriteArrayList<>();
    Reef reef = connect(builder -> builder.authorizer(request -> {
      asked.add(request);
      return null;
    }));
    Channel channel = channel(reef);
    String name = channelName();

    Subscription worker = channel.subscribe("worker", (spore, context) -> Map.of("ok", true));
    join(channel.send("client", "worker", n(1)));
    join(channel.broadcast("client", n(2)));
    Spore reply = join(channel.request("client", "worker", n(3), TIMEOUT));
    assertThat(join(channel.scatter("client", n(4), ScatterTarget.allAgents(), TIMEOUT)))
        .extracting(Spore::fromAgent).containsExactly("worker");
    Observation observation = channel.observe((channelName, spore) -> {});
    observation.close();
    channel.subscribe("doomed", SubscriptionOptions.builder().retry(RetryPolicy.attempts(1)).build(),
        (spore, context) -> {
          throw new IllegalStateException("doomed on purpose");
        });
    join(channel.send("client", "doomed", n(5)));
    eventually().until(() -> deadLetters(reef).size() == 1);
    DeadLetter dead = deadLetters(reef).get(0);
    join(reef.deadLetters().replay(dead.id()));
    eventually().until(() -> deadLetters(reef).size() == 1); // it fails again
    reef.deadLetters().purge();
    channel.history().keep(HistoryRetention.maxAge(Duration.ofMinutes(5)));
    channel.history().read(HistoryQuery.all());
    assertThat(reef.admin().objects()).isNotEmpty();
    worker.close();
    reef.admin().delete(); // last: the class's namespace goes, as an operator would remove it

    assertThat(asked).extracting(AccessRequest::action).as("actions put to the authorizer")
        .containsAll(EnumSet.allOf(Action.class));
    assertThat(asked).extracting(AccessRequest::action, AccessRequest::channel, AccessRequest::agent,
        AccessRequest::target).as("(action, channel, agent, target) put to the authorizer").contains(
            tuple(Action.SUBSCRIBE, name, "worker", null),
            tuple(Action.SEND, name, "client", "worker"),
            tuple(Action.BROADCAST, name, "client", null),
            tuple(Action.REQUEST, name, "client", "worker"),
            tuple(Action.REPLY, name, "worker", "client"),
            tuple(Action.SCATTER, name, "client", null),
            tuple(Action.OBSERVE, name, null, null),
            tuple(Action.HISTORY_KEEP, name, null, null),
            tuple(Action.HISTORY_READ, name, null, null),
            tuple(Action.OBSERVE, null, null, null),
            tuple(Action.NAMESPACE_DELETE, null, null, null),
            tuple(Action.SUBSCRIBE, name, "doomed", null),
            tuple(Action.SEND, name, "client", "doomed"),
            tuple(Action.DEAD_LETTER_LIST, null, null, null),
            tuple(Action.DEAD_LETTER_REPLAY, name, null, "doomed"),
            tuple(Action.DEAD_LETTER_PURGE, null, null, null),
            tuple(Action.UNSUBSCRIBE, name, "worker", null));
    assertThat(requestsFor(asked, Action.REPLY)).extracting(request -> request.spore().replyTo())
        .as("requests answered, by id").contains(reply.replyTo());
    assertThat(requestsFor(asked, Action.SEND)).allSatisfy(request ->
        assertThat(request.spore()).as("the spore of a send").isNotNull());

    // The replay is asked about as a replay, then as the send of its spore.
    Spore replayed = dead.spore().orElseThrow();
    int replay = indexOf(asked, Action.DEAD_LETTER_REPLAY);
    assertThat(asked.get(replay).spore()).as("the spore of the replay").isEqualTo(replayed);
    assertThat(asked.subList(replay + 1, asked.size())).filteredOn(request -> request.action() == Action.SEND)
        .extracting(request -> request.spore().id()).as("sends asked about after the replay")
        .contains(replayed.id());
  }

  private List<DeadLetter> deadLetters(Reef reef) {
    return reef.deadLetters().list().stream().filter(dead -> channelName().equals(dead.channel())).toList();
  }

  private static List<AccessRequest> requestsFor(List<AccessRequest> asked, Action action) {
    return asked.stream().filter(request -> request.action() == action).toList();
  }

  private static int indexOf(List<AccessRequest> asked, Action action) {
    for (int i = 0; i < asked.size(); i++) {
      if (asked.get(i).action() == action) {
        return i;
      }
    }
    throw new AssertionError("the authorizer was never asked about " + action);
  }
}
