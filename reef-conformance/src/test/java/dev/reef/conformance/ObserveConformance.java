package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.AccessDeniedException;
import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.SporeObserver;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * {@link Channel#observe}: an observer sees every spore published on the channel, directed and
 * broadcast, as a copy that takes nothing from the agents; observing is an action the {@link
 * dev.reef.Authorizer} may refuse (SPEC §8).
 */
class ObserveConformance extends ConformanceTest {
  private static final int PROBE = -1;
  private static final int MARKER = 1000;

  @Test
  void anObserverSeesDirectedAndBroadcastSporesWhileTheAgentsStillGetThem() {
    Reef agents = connect();
    Reef watcher = connect();
    Handled handled = new Handled();
    Channel channel = channel(agents);
    channel.subscribe("alice", handled.recorder());
    channel.subscribe("bob", handled.recorder());
    Seen seen = new Seen();
    channel(watcher).observe(seen);
    awaitObserving(channel, seen, "alice", "bob");

    Spore directed = Spore.builder(SporeType.KNOWLEDGE).from("client").to("alice").knowledge(n(1)).build();
    Spore broadcast = Spore.builder(SporeType.BROADCAST).from("carol").knowledge(n(2)).build();
    join(channel.send(directed));
    join(channel.broadcast(broadcast));
    Spore marker = Spore.builder(SporeType.KNOWLEDGE).from("client").to("bob").knowledge(n(MARKER)).build();
    join(channel.send(marker));

    eventually().until(() -> seen.ids().contains(marker.id()));
    assertThat(seen.ids()).as("ids of the observed spores, once each")
        .filteredOn(id -> id.equals(directed.id()) || id.equals(broadcast.id()))
        .containsExactlyInAnyOrder(directed.id(), broadcast.id());
    Spore observedBroadcast = seen.byId(broadcast.id());
    assertThat(observedBroadcast.type()).isEqualTo(SporeType.BROADCAST);
    assertThat(observedBroadcast.fromAgent()).isEqualTo("carol");
    assertThat(observedBroadcast.knowledge()).isEqualTo(broadcast.knowledge());
    assertThat(seen.byId(directed.id()).toAgent()).isEqualTo("alice");
    assertThat(seen.channels()).as("channel named to the observer").containsOnly(channelName());

    eventually().until(() -> handled.numbersOf("bob").contains(MARKER));
    assertThat(handled.numbersOf("alice")).as("spores alice handled, the probes aside").filteredOn(n -> n != PROBE)
        .containsExactly(1, 2);
    assertThat(handled.numbersOf("bob")).as("spores bob handled, the probes aside").filteredOn(n -> n != PROBE)
        .containsExactly(2, MARKER);
  }

  @Test
  void observingWithoutPermissionFailsWithAccessDenied() {
    Reef reef = connect(builder -> builder.authorizer(
        request -> request.action() == Action.OBSERVE ? "tailing is not allowed here" : null));
    Channel channel = channel(reef);
    Handled handled = new Handled();
    channel.subscribe("alice", handled.recorder());

    assertThatThrownBy(() -> channel.observe((name, spore) -> {}))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("OBSERVE").hasMessageContaining(channelName())
        .hasMessageContaining("tailing is not allowed")
        .satisfies(error -> {
          assertThat(((AccessDeniedException) error).request().action()).isEqualTo(Action.OBSERVE);
          assertThat(((AccessDeniedException) error).request().channel()).isEqualTo(channelName());
        });
    assertThat(reef.stats().refused()).as("refusals counted").isEqualTo(1);
    join(channel.send("client", "alice", n(1))); // every other action is still allowed
    eventually().until(() -> handled.count() == 1);
  }

  /**
   * Sends probes to each agent until the observer has seen one for each: a backend may start copying
   * an agent's spores a little after {@code observe} returns (AMQP binds, again and again, the agents
   * the directory has heard of).
   */
  private static void awaitObserving(Channel channel, Seen seen, String... agents) {
    for (String agent : agents) {
      eventually().pollInterval(Duration.ofMillis(100)).until(() -> {
        join(channel.send("client", agent, n(PROBE)));
        return seen.spores().stream().anyMatch(spore -> agent.equals(spore.toAgent()));
      });
    }
  }

  /** What an observer was shown, in order. */
  private static final class Seen implements SporeObserver {
    private final Queue<String> channels = new ConcurrentLinkedQueue<>();
    private final Queue<Spore> spores = new ConcurrentLinkedQueue<>();

    @Override
    public void observe(String channel, Spore spore) {
      channels.add(channel);
      spores.add(spore);
    }

    List<Spore> spores() {
      return List.copyOf(spores);
    }

    List<String> ids() {
      return spores.stream().map(Spore::id).toList();
    }

    Spore byId(String id) {
      return spores.stream().filter(spore -> spore.id().equals(id)).findFirst().orElseThrow();
    }

    List<String> channels() {
      return List.copyOf(channels);
    }
  }
}
