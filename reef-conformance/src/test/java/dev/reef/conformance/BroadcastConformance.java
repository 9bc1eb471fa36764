package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** SPEC §3.2: every agent name on the channel handles a broadcast once, except the sender's own name. */
class BroadcastConformance extends ConformanceTest {
  private static final int BROADCASTS = 5;
  private static final int MARKER = 1000;

  @Test
  void everyOtherAgentNameHandlesEachBroadcastOnceAndTheSenderNever() {
    Reef first = connect();
    Reef second = connect();
    Handled handled = new Handled();
    channel(first).subscribe("alpha", handled.recorder());
    channel(first).subscribe("beta", handled.recorder());
    channel(second).subscribe("gamma", handled.recorder());

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < BROADCASTS; i++) {
      Spore broadcast = Spore.builder(SporeType.BROADCAST).from("alpha").knowledge(n(i)).build();
      ids.add(broadcast.id());
      join(channel(first).broadcast(broadcast));
    }

    // A last broadcast from another name reaches all three, each behind whatever came before it.
    join(channel(second).broadcast("announcer", n(MARKER)));

    eventually().until(() -> hasMarker(handled, "alpha") && hasMarker(handled, "beta") && hasMarker(handled, "gamma"));
    assertThat(handled.count()).as("handler runs").isEqualTo(2 * BROADCASTS + 3);
    assertThat(handled.numbersOf("alpha")).as("runs of the sender's own name").containsExactly(MARKER);
    for (String agent : List.of("beta", "gamma")) {
      assertThat(handled.of(agent)).extracting(entry -> entry.spore().id()).filteredOn(ids::contains)
          .as("broadcasts handled by %s", agent).containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  @Test
  void onlyOneInstanceOfANameHandlesABroadcast() {
    Reef first = connect();
    Reef second = connect();
    Reef sender = connect();
    Handled handled = new Handled();
    channel(first).subscribe("beta", handled.recorder());
    channel(second).subscribe("beta", handled.recorder());
    channel(second).subscribe("gamma", handled.recorder());

    Channel out = channel(sender);
    for (int i = 0; i < 10; i++) {
      join(out.broadcast("announcer", n(i)));
    }

    eventually().until(() -> handled.countFor("beta") >= 10 && handled.countFor("gamma") >= 10);
    join(out.broadcast("announcer", n(MARKER)));
    eventually().until(() -> hasMarker(handled, "beta") && hasMarker(handled, "gamma"));
    assertThat(handled.count()).as("handler runs, the markers included").isEqualTo(22);
    Map<String, Long> betaRunsPerSpore = handled.of("beta").stream()
        .collect(Collectors.groupingBy(entry -> entry.spore().id(), Collectors.counting()));
    assertThat(betaRunsPerSpore).as("runs of 'beta' per broadcast").hasSize(11).allSatisfy(
        (id, runs) -> assertThat(runs).as("runs of broadcast %s by 'beta'", id).isEqualTo(1L));
  }

  @Test
  void aBroadcastReachesAgentsInOtherReefsWithItsKnowledge() {
    Reef sender = connect();
    Reef listener = connect();
    Handled handled = new Handled();
    channel(listener).subscribe("listener", handled.recorder());

    join(channel(sender).broadcast("announcer", Map.of("n", 42, "news", "tide is high")));

    eventually().until(() -> handled.count() == 1);
    Spore received = handled.entries().get(0).spore();
    assertThat(received.type()).isEqualTo(SporeType.BROADCAST);
    assertThat(received.fromAgent()).isEqualTo("announcer");
    assertThat(received.toAgent()).as("to_agent of a broadcast").isNull();
    assertThat(received.knowledge().getString("news")).isEqualTo("tide is high");
  }

  private static boolean hasMarker(Handled handled, String agent) {
    return handled.numbersOf(agent).contains(MARKER);
  }
}
