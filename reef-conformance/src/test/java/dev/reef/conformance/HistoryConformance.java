package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.AccessDeniedException;
import dev.reef.Action;
import dev.reef.Channel;
import dev.reef.ChannelHistory;
import dev.reef.HistoryCursor;
import dev.reef.HistoryEntry;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRead;
import dev.reef.HistoryRetention;
import dev.reef.Observation;
import dev.reef.Reef;
import dev.reef.SubscriptionOptions;
import dev.reef.UnknownDestinationException;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Channel history (SPEC §3.16, §3.15): every spore published while history is kept, replies included,
 * in publish order; reads from an instant, an offset, filtered, and live; named cursors that resume
 * across restarts; catch-up subscriptions with no duplicate or gap at the seam; causal look-ups; and
 * history never makes an unknown destination routable (§3.6).
 */
class HistoryConformance extends ConformanceTest {
  private static final HistoryRetention DAY = HistoryRetention.maxAge(Duration.ofDays(1));

  @Test
  void theHistoryHoldsEverySporePublishedWhileKeptRepliesIncludedInPublishOrder() {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.subscribe("alice", (spore, context) -> null);
    channel.subscribe("echo", (spore, context) -> Map.of("echo", n(spore)));
    join(channel.send("client", "alice", n(-1))); // before history: not in it
    channel.history().keep(DAY);
    assertThat(channel.history().isKept()).isTrue();

    List<String> published = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Spore directed = Spore.builder(SporeType.KNOWLEDGE).from("client").to("alice").knowledge(n(i)).build();
      join(channel.send(directed));
      published.add(directed.id());
      Spore broadcast = Spore.builder(SporeType.BROADCAST).from("client").knowledge(n(100 + i)).build();
      join(channel.broadcast(broadcast));
      published.add(broadcast.id());
    }
    Spore request = Spore.builder(SporeType.REQUEST).from("client").to("echo").knowledge(n(7)).build();
    Spore reply = join(channel.request(request, Duration.ofSeconds(10)));
    published.add(request.id());
    published.add(reply.id());

    List<HistoryEntry> entries = eventuallyRead(channel.history(), HistoryQuery.all(), published.size());
    assertThat(entries).extracting(entry -> entry.spore().id()).as("every spore, in publish order")
        .containsExactlyElementsOf(published);
    assertThat(entries).extracting(HistoryEntry::offset).isSorted().doesNotHaveDuplicates();
    assertThat(entries.get(entries.size() - 1).spore().replyTo()).as("the reply, appended too").isEqualTo(request.id());
    assertThat(entries.get(entries.size() - 1).spore().causedBy()).as("caused by the request").isEqualTo(request.id());
  }

  @Test
  void readsFromAnInstantFromAnOffsetFilteredAndLimited() throws Exception {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.subscribe("alice", (spore, context) -> null);
    channel.subscribe("bob", (spore, context) -> null);
    ChannelHistory history = channel.history();
    history.keep(DAY);
    for (int i = 0; i < 20; i++) {
      join(channel.send("client", i % 2 == 0 ? "alice" : "bob", n(i)));
      if (i == 9) {
        Thread.sleep(1100); // the second half is stored a clear second later, on any broker clock
      }
    }
    List<HistoryEntry> all = eventuallyRead(history, HistoryQuery.all(), 20);
    HistoryEntry tenth = all.get(10);

    assertThat(numbers(history.read(HistoryQuery.builder().fromOffset(tenth.offset()).build())))
        .as("from the offset of the 11th").containsExactlyElementsOf(range(10, 20));
    assertThat(numbers(history.read(HistoryQuery.builder().from(tenth.storedAt()).build())))
        .as("from the instant the 11th was stored").containsExactlyElementsOf(range(10, 20));
    assertThat(numbers(history.read(HistoryQuery.builder().agent("bob").build())))
        .as("sent to bob").containsExactly(1, 3, 5, 7, 9, 11, 13, 15, 17, 19);
    HistoryRead limited = history.read(HistoryQuery.builder().agent("alice").limit(3).build());
    assertThat(numbers(limited)).containsExactly(0, 2, 4);
    assertThat(limited.complete()).as("stopped at the limit").isFalse();
    assertThat(numbers(history.read(HistoryQuery.builder().fromOffset(limited.nextOffset()).agent("alice").limit(2)
        .build()))).as("paged on from where the first page stopped").containsExactly(6, 8);
    assertThat(history.read(HistoryQuery.builder().type(SporeType.BROADCAST).build()).entries()).isEmpty();
    assertThat(history.read(HistoryQuery.builder().from(Instant.now().plusSeconds(60)).build()).entries())
        .as("nothing after the last entry").isEmpty();
    assertThat(history.read(HistoryQuery.all()).truncated()).isFalse();
  }

  @Test
  void followingHandsOverWhatIsThereThenEachNewSporeAsItIsPublished() {
    Reef reef = connect();
    Reef watcher = connect();
    Channel channel = channel(reef);
    channel.subscribe("alice", (spore, context) -> null);
    channel(watcher).history().keep(DAY);
    join(channel.send("client", "alice", n(0)));
    ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
    Observation following = channel(watcher).history().follow(HistoryQuery.builder().agent("alice").build(),
        entry -> seen.add(n(entry.spore())));
    eventually().until(() -> seen.contains(0));
    for (int i = 1; i <= 50; i++) {
      channel.send("client", "alice", n(i));
      join(channel.send("client", "carol-never", n(-1)).exceptionally(error -> null)); // refused: not in history
    }
    eventually().until(() -> seen.size() >= 51);
    following.close();
    assertThat(List.copyOf(seen)).containsExactlyElementsOf(range(0, 51));
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aNamedCursorResumesAfterItsReefRestartsWithoutLossOrRepeat() {
    Reef first = connect();
    Channel channel = channel(first);
    channel.subscribe("alice", (spore, context) -> null);
    channel.history().keep(DAY);
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sends.add(channel.send("client", "alice", n(i)));
    }
    sends.forEach(ConformanceTest::join);
    eventuallyRead(channel.history(), HistoryQuery.all(), 300);

    List<Integer> read = new ArrayList<>();
    HistoryCursor cursor = channel.history().cursor("auditor");
    for (int batch = 0; batch < 2; batch++) {
      List<HistoryEntry> entries = cursor.next(100);
      entries.forEach(entry -> read.add(n(entry.spore())));
      cursor.commit(entries.get(entries.size() - 1).offset());
    }
    cursor.next(50); // read but never committed: must come again after the restart
    first.close(BackendFixture.DRAIN_TIMEOUT);

    Reef second = connect();
    HistoryCursor resumed = channel(second).history().cursor("auditor");
    assertThat(resumed.lag()).as("offsets behind after the restart").isGreaterThanOrEqualTo(100);
    List<HistoryEntry> rest = resumed.next(1000);
    rest.forEach(entry -> read.add(n(entry.spore())));
    resumed.commit(rest.get(rest.size() - 1).offset());
    assertThat(read).as("every spore once, in order, across the restart").containsExactlyElementsOf(range(0, 300));
    assertThat(resumed.next(10)).as("nothing left").isEmpty();
    assertThat(resumed.lag()).isZero();
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aCatchUpSubscriptionHandlesHistoryThenLiveSporesWithNoDuplicateOrGapAtTheSeam() throws Exception {
    int total = 10_000;
    Reef sender = connect();
    Reef late = connect();
    Channel channel = channel(sender);
    channel.subscribe("bystander", (spore, context) -> null);
    channel.history().keep(DAY);
    Instant from = Instant.now().minusSeconds(2);
    Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        Spore spore = Spore.builder(SporeType.BROADCAST).from("source").knowledge(n(i)).build();
        sent.add(spore.id());
        pending.add(channel.broadcast(spore));
        if (pending.size() >= 500) {
          pending.forEach(ConformanceTest::join);
          pending.clear();
        }
      }
      pending.forEach(ConformanceTest::join);
    });
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sent.size() >= total / 3);
    Handled handled = new Handled();
    channel(late).subscribe("late", SubscriptionOptions.builder().catchUpFrom(from).prefetch(64).build(),
        handled.recorder());
    sending.get(120, TimeUnit.SECONDS);

    try {
      Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
          .until(() -> handled.count() >= total);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      Set<String> seen = new HashSet<>();
      handled.entries().forEach(entry -> seen.add(entry.spore().id()));
      java.util.IntSummaryStatistics numbers = handled.entries().stream().mapToInt(Handled.Entry::n)
          .summaryStatistics();
      throw new AssertionError(handled.count() + " of " + total + " handled (" + seen.size() + " distinct, n from "
          + numbers.getMin() + " to " + numbers.getMax() + "); " + sent.stream().filter(id -> !seen.contains(id)).count()
          + " sent never handled; meters of the late Reef: " + meters(late) + "\n" + reefThreads(), e);
    }
    holdsFor(() -> assertThat(handled.count()).isEqualTo(total));
    List<String> ids = handled.entries().stream().map(entry -> entry.spore().id()).toList();
    assertThat(new HashSet<>(ids)).as("no gap: every spore handled").isEqualTo(sent);
    assertThat(ids).as("no duplicate").doesNotHaveDuplicates();
    System.out.printf("catch-up on %s: %d spores sent while catching up, %d handled, %d distinct%n", backend, total,
        ids.size(), new HashSet<>(ids).size());
  }

  @Test
  void aCatchUpSkipsLiveCopiesOfWhatItHandledFromHistory() {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.history().keep(DAY);
    Instant from = Instant.now().minusSeconds(1);
    channel.subscribe("worker", (spore, context) -> null).close(); // the queue exists; nobody consumes
    for (int i = 0; i < 200; i++) {
      join(channel.send("client", "worker", n(i))); // in the queue and in the history
    }
    Handled handled = new Handled();
    channel.subscribe("worker", SubscriptionOptions.builder().catchUpFrom(from).build(), handled.recorder());
    join(channel.send("client", "worker", n(200)));
    eventually().until(() -> handled.numbers().contains(200));
    assertThat(handled.numbers()).as("each once, history first, in order").containsExactlyElementsOf(range(0, 201));
  }

  @Test
  void causesAndEffectsFollowCausedByUpAndDownAChain() {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.history().keep(DAY);
    channel.subscribe("calculator", (spore, context) -> Map.of("result", 42));
    channel.subscribe("planner", (spore, context) -> context.request("calculator", n(2), Duration.ofSeconds(10)));
    channel.subscribe("router", (spore, context) -> {
      join(context.send("planner", n(1)));
      return null;
    });
    Spore first = Spore.builder(SporeType.KNOWLEDGE).from("client").to("router").knowledge(n(0)).build();
    join(channel.send(first));

    List<HistoryEntry> chain = eventuallyRead(channel.history(), HistoryQuery.all(), 4);
    Spore reply = chain.get(3).spore();
    assertThat(reply.type()).isEqualTo(SporeType.RESPONSE);
    assertThat(channel.history().causes(reply.id())).extracting(entry -> entry.spore().id())
        .as("up: the request, the planner's spore, the first").containsExactly(chain.get(2).spore().id(),
            chain.get(1).spore().id(), first.id());
    assertThat(channel.history().effects(first.id())).extracting(entry -> entry.spore().id())
        .as("down: everything the first caused").containsExactly(chain.get(1).spore().id(), chain.get(2).spore().id(),
            reply.id());
    assertThat(channel.history().causes(first.id())).as("the first has no cause").isEmpty();
    assertThatThrownBy(() -> channel.history().effects("no-such-spore")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not in the history");
  }

  @Test
  void keepingHistoryLeavesAnUnknownDestinationUnroutable() {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.subscribe("alice", (spore, context) -> null);
    channel.history().keep(DAY);
    assertThatThrownBy(() -> join(channel.send("client", "nobody-ever", n(1))))
        .hasRootCauseInstanceOf(UnknownDestinationException.class);
    Spore marker = Spore.builder(SporeType.KNOWLEDGE).from("client").to("alice").knowledge(n(2)).build();
    join(channel.send(marker));
    List<HistoryEntry> entries = eventuallyRead(channel.history(), HistoryQuery.all(), 1);
    assertThat(entries).extracting(entry -> entry.spore().toAgent()).as("the refused spore is not history")
        .containsExactly("alice");
  }

  @Test
  void anAgentQueueMadeBeforeHistoryWasKeptIsRecordedThoughItsAgentStoppedUnseen() {
    Reef gone = connect();
    channel(gone).subscribe("sleeper", (spore, context) -> null).close(); // its queue stays, its agent is gone
    gone.close();
    Reef keeper = connect(); // its directory never heard of 'sleeper'
    Channel channel = channel(keeper);
    channel.history().keep(DAY);

    join(channel.send("client", "sleeper", n(1)));

    List<HistoryEntry> entries = eventuallyRead(channel.history(), HistoryQuery.all(), 1);
    assertThat(entries).extracting(entry -> entry.spore().toAgent()).containsExactly("sleeper");
  }

  @Test
  void aChannelThatKeepsNoHistorySaysSoAndReadingItFails() {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.subscribe("alice", (spore, context) -> null);
    assertThat(channel.history().isKept()).isFalse();
    assertThatThrownBy(() -> channel.history().read(HistoryQuery.all())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keeps no history");
    assertThatThrownBy(() -> channel.subscribe("late", SubscriptionOptions.builder().catchUpFrom(Instant.now()).build(),
        (spore, context) -> null)).isInstanceOf(IllegalStateException.class).hasMessageContaining("keeps no history");
  }

  @Test
  void readingAndKeepingAreActionsTheAuthorizerMayRefuse() {
    Reef reef = connect(builder -> builder.authorizer(request -> switch (request.action()) {
      case HISTORY_KEEP -> "only operators keep history";
      case HISTORY_READ -> "no reading";
      default -> null;
    }));
    ChannelHistory history = channel(reef).history();
    assertThatThrownBy(() -> history.keep(DAY)).isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("only operators keep history")
        .satisfies(e -> assertThat(((AccessDeniedException) e).request().action()).isEqualTo(Action.HISTORY_KEEP));
    assertThatThrownBy(() -> history.read(HistoryQuery.all())).isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("no reading");
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void retentionRemovesOldEntriesAndAReadFromBeforeThemStartsAtTheFirstKeptOneSayingSo() throws Exception {
    Reef reef = connect();
    Channel channel = channel(reef);
    channel.subscribe("alice", (spore, context) -> null);
    channel.history().keep(HistoryRetention.maxAge(Duration.ofSeconds(1)).withSegmentBytes(8 * 1024));
    Instant before = Instant.now().minusSeconds(1);
    String padding = "x".repeat(1024);
    for (int i = 0; i < 40; i++) {
      join(channel.send("client", "alice", Map.of("n", i, "padding", padding)));
    }
    Thread.sleep(2500); // older than the retention now
    int[] next = {40};
    HistoryRead read = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          join(channel.send("client", "alice", Map.of("n", next[0]++, "padding", padding))); // rolls segments
          return channel.history().read(HistoryQuery.builder().from(before).build());
        }, HistoryRead::truncated);
    HistoryEntry firstKept = read.firstKept().orElseThrow();
    assertThat(firstKept.offset()).as("the first kept offset").isPositive();
    assertThat(read.entries().get(0)).as("reading began at the first kept entry").isEqualTo(firstKept);
    assertThat(n(firstKept.spore())).as("spores from the start are gone").isPositive();
    assertThat(read.note()).hasValueSatisfying(note -> assertThat(note).contains("removed by retention")
        .contains("offset " + firstKept.offset()));
    System.out.printf("retention on %s: first kept offset %d (spore %d), %d entries read; %s%n", backend,
        firstKept.offset(), n(firstKept.spore()), read.entries().size(), read.note().orElseThrow());
  }

  private static List<HistoryEntry> eventuallyRead(ChannelHistory history, HistoryQuery query, int atLeast) {
    return Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
        .until(() -> history.read(query).entries(), entries -> entries.size() >= atLeast);
  }

  private static List<Integer> numbers(HistoryRead read) {
    return read.entries().stream().map(entry -> n(entry.spore())).toList();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = from; i < to; i++) {
      numbers.add(i);
    }
    return numbers;
  }

  /** The late Reef's counters, for a failure's message. */
  private static String meters(Reef reef) {
    StringBuilder text = new StringBuilder();
    reef.meterRegistry().getMeters().forEach(meter -> meter.measure().forEach(measure -> text.append(meter.getId()
        .getName()).append(meter.getId().getTags()).append('=').append(measure.getValue()).append("; ")));
    return text.toString();
  }

  /** What Reef's, Vert.x's and the clients' threads are doing, for a failure's message. */
  private static String reefThreads() {
    StringBuilder text = new StringBuilder("threads:\n");
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (thread.getName().startsWith("main") || thread.getName().startsWith("Finalizer")) {
        return;
      }
      text.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
      for (int i = 0; i < Math.min(stack.length, 12); i++) {
        text.append("    at ").append(stack[i]).append('\n');
      }
    });
    return text.toString();
  }
}
