package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.reef.AgentInfo;
import dev.reef.AgentState;
import dev.reef.DirectoryEvent;
import dev.reef.DirectoryEvent.Kind;
import dev.reef.Reef;
import dev.reef.SporeHandler;
import dev.reef.Subscription;
import dev.reef.SubscriptionOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3.17: every Reef lists the agent instances of its namespace, its own and other connections',
 * by channel and by capability, with where and since when they run; and tells subscribers when an
 * instance joins, goes silent (its Reef went quiet, or it is stuck in a handler for three
 * heartbeats), comes back and leaves. Reefs here beat every {@value #HEARTBEAT_MILLIS} ms.
 */
class DirectoryConformance extends ConformanceTest {
  private static final long HEARTBEAT_MILLIS = 200;
  private static final SporeHandler IGNORE = (spore, context) -> null;

  @Test
  void aReefListsTheAgentsOfOtherReefsByChannelAndCapability() {
    Instant before = Instant.now();
    Reef first = connectBeating();
    Reef second = connectBeating();
    Reef watcher = connectBeating();
    Subscription french = channel(first).subscribe("french", offering("translate"), IGNORE);
    Subscription plain = channel(first).subscribe("plain", IGNORE);
    Subscription german = channel(second).subscribe("german", offering("translate", "summarize"), IGNORE);
    Subscription elsewhere = first.channel(channelName() + "-elsewhere").subscribe("elsewhere", IGNORE);

    eventually().untilAsserted(() -> assertThat(watcher.directory().agents(channelName()))
        .extracting(AgentInfo::instanceId, AgentInfo::state).containsExactlyInAnyOrder(
            tuple(french.instanceId(), AgentState.ONLINE), tuple(plain.instanceId(), AgentState.ONLINE),
            tuple(german.instanceId(), AgentState.ONLINE)));

    Map<String, AgentInfo> listed = byInstance(watcher.directory().agents(channelName()));
    Instant after = Instant.now();
    assertThat(listed.values()).allSatisfy(info -> {
      assertThat(info.channel()).isEqualTo(channelName());
      assertThat(info.isLocal()).as("%s is local to the watcher", info.agentName()).isFalse();
      assertThat(info.host()).as("host of %s", info.agentName()).isNotBlank();
      assertThat(info.pid()).as("pid of %s", info.agentName()).isEqualTo(ProcessHandle.current().pid());
      assertThat(info.startedAt()).as("start of %s", info.agentName()).isBetween(before, after);
      assertThat(info.lastHeartbeat()).as("last heartbeat of %s", info.agentName()).isBetween(before, after);
    });
    assertThat(listed.get(french.instanceId()).agentName()).isEqualTo("french");
    assertThat(listed.get(french.instanceId()).capabilities()).containsExactly("translate");
    assertThat(listed.get(plain.instanceId()).capabilities()).isEmpty();
    assertThat(listed.get(german.instanceId()).capabilities()).containsExactlyInAnyOrder("translate", "summarize");
    assertThat(listed.get(french.instanceId()).reefId()).as("Reef of 'french' and of 'plain'")
        .isEqualTo(listed.get(plain.instanceId()).reefId())
        .isNotEqualTo(listed.get(german.instanceId()).reefId());

    // Checked until they hold: on a loaded machine a late heartbeat may make an instance silent for a moment.
    eventually().untilAsserted(() -> {
      assertThat(watcher.directory().onlineAgents(channelName()))
          .containsExactlyInAnyOrder("french", "plain", "german");
      assertThat(watcher.directory().onlineAgentsWithCapability(channelName(), "translate"))
          .containsExactlyInAnyOrder("french", "german");
      assertThat(watcher.directory().onlineAgentsWithCapability(channelName(), "summarize")).containsExactly("german");
    });
    assertThat(watcher.directory().onlineAgentsWithCapability(channelName(), "nobody-offers-this")).isEmpty();
    eventually().untilAsserted(() -> assertThat(watcher.directory().agents()).extracting(AgentInfo::instanceId)
        .contains(french.instanceId(), plain.instanceId(), german.instanceId(), elsewhere.instanceId()));

    // Heartbeats go on, and every Reef lists its own instances as local.
    Instant heard = listed.get(german.instanceId()).lastHeartbeat();
    eventually().untilAsserted(() -> assertThat(byInstance(watcher.directory().agents(channelName()))
        .get(german.instanceId()).lastHeartbeat()).as("a later heartbeat of 'german'").isAfter(heard));
    eventually().untilAsserted(() -> assertThat(first.directory().agents(channelName()))
        .filteredOn(AgentInfo::isLocal).extracting(AgentInfo::instanceId)
        .containsExactlyInAnyOrder(french.instanceId(), plain.instanceId()));
  }

  @Test
  void aSubscriberSeesInstancesOfAnotherReefJoinAndLeave() {
    Reef watcher = connectBeating();
    Events events = new Events(channelName());
    watcher.directory().subscribe(events);
    Reef worker = connectBeating();

    Subscription stopped = channel(worker).subscribe("stopped", IGNORE);
    Subscription closedWithItsReef = channel(worker).subscribe("closed", IGNORE);
    eventually().untilAsserted(() -> {
      assertThat(events.of(stopped)).startsWith(Kind.JOINED);
      assertThat(events.of(closedWithItsReef)).startsWith(Kind.JOINED);
    });

    // In between, a loaded machine may delay heartbeats enough for a SILENT and BACK: only the ends are checked.
    stopped.close();
    eventually().untilAsserted(() -> assertThat(events.of(stopped)).startsWith(Kind.JOINED).endsWith(Kind.LEFT)
        .containsOnlyOnce(Kind.JOINED, Kind.LEFT));
    worker.close();
    eventually().untilAsserted(() -> assertThat(events.of(closedWithItsReef)).startsWith(Kind.JOINED)
        .endsWith(Kind.LEFT).containsOnlyOnce(Kind.JOINED, Kind.LEFT));

    assertThat(events.last(stopped).agent().state()).as("state in the LEFT event").isEqualTo(AgentState.LEFT);
    assertThat(events.last(closedWithItsReef).agent().agentName()).isEqualTo("closed");
    assertThat(watcher.directory().onlineAgents(channelName())).as("online agents once both left").isEmpty();
  }

  @Test
  void anInstanceStuckInAHandlerGoesSilentAndComesBackWhenReleased() {
    Reef watcher = connectBeating();
    Events events = new Events(channelName());
    watcher.directory().subscribe(events);
    Reef worker = connectBeating();
    Gate gate = newGate();
    Subscription stuck = channel(worker).subscribe("stuck", (spore, context) -> {
      gate.pass();
      return null;
    });
    Subscription free = channel(worker).subscribe("free", IGNORE);
    eventually().untilAsserted(() -> assertThat(events.of(stuck)).containsExactly(Kind.JOINED));

    join(channel(worker).send("client", "stuck", n(1)));
    eventually().until(() -> gate.waiting() == 1);

    eventually().untilAsserted(() -> assertThat(events.of(stuck)).startsWith(Kind.JOINED, Kind.SILENT));
    // Its own Reef lists it silent for being stuck, not for missed heartbeats; its neighbour is online.
    assertThat(stateIn(worker, stuck)).as("the stuck instance, as its own Reef lists it").isEqualTo(AgentState.SILENT);
    assertThat(stateIn(worker, free)).as("an instance of the same Reef that is not stuck").isEqualTo(AgentState.ONLINE);
    eventually().untilAsserted(() -> assertThat(watcher.directory().onlineAgents(channelName()))
        .as("online agents while one is stuck").containsExactly("free"));

    gate.open();
    eventually().untilAsserted(() -> assertThat(events.of(stuck))
        .containsSubsequence(Kind.JOINED, Kind.SILENT, Kind.BACK));
    eventually().untilAsserted(() -> assertThat(watcher.directory().onlineAgents(channelName()))
        .containsExactlyInAnyOrder("stuck", "free"));
    assertThat(stateIn(worker, stuck)).isEqualTo(AgentState.ONLINE);
  }

  private Reef connectBeating() {
    return connect(builder -> builder.heartbeat(Duration.ofMillis(HEARTBEAT_MILLIS)));
  }

  private AgentState stateIn(Reef reef, Subscription instance) {
    return byInstance(reef.directory().agents(channelName())).get(instance.instanceId()).state();
  }

  private static SubscriptionOptions offering(String... capabilities) {
    return SubscriptionOptions.builder().capabilities(capabilities).build();
  }

  private static Map<String, AgentInfo> byInstance(List<AgentInfo> agents) {
    return agents.stream().collect(Collectors.toMap(AgentInfo::instanceId, info -> info));
  }

  /** The directory events of one channel, in the order the listener got them. */
  private static final class Events implements Consumer<DirectoryEvent> {
    private final String channel;
    private final Queue<DirectoryEvent> seen = new ConcurrentLinkedQueue<>();

    Events(String channel) {
      this.channel = channel;
    }

    @Override
    public void accept(DirectoryEvent event) {
      if (event.agent().channel().equals(channel)) {
        seen.add(event);
      }
    }

    List<Kind> of(Subscription instance) {
      return seen.stream().filter(event -> event.agent().instanceId().equals(instance.instanceId()))
          .map(DirectoryEvent::kind).toList();
    }

    DirectoryEvent last(Subscription instance) {
      return seen.stream().filter(event -> event.agent().instanceId().equals(instance.instanceId()))
          .reduce((earlier, later) -> later).orElseThrow();
    }
  }
}
