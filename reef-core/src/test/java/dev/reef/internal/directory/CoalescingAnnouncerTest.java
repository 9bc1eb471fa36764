package dev.reef.internal.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** At most one announcement in flight; changes meanwhile go out together in one follow-up. */
class CoalescingAnnouncerTest {

  /** A backend whose sends complete when the test says so; each send records what it would list. */
  private static final class HeldSends {
    final List<CompletableFuture<Void>> sends = new ArrayList<>();
    final List<Integer> listed = new ArrayList<>();
    final AtomicInteger instances = new AtomicInteger();

    CompletableFuture<Void> send() {
      CompletableFuture<Void> sent = new CompletableFuture<>();
      sends.add(sent);
      listed.add(instances.get());
      return sent;
    }
  }

  @Test
  void changesWhileOneIsInFlightAreSentOnceItCompletes() {
    HeldSends backend = new HeldSends();
    CoalescingAnnouncer announcer = new CoalescingAnnouncer(backend::send);

    backend.instances.set(1);
    CompletableFuture<Void> first = announcer.announce();
    backend.instances.set(2);
    CompletableFuture<Void> second = announcer.announce();
    backend.instances.set(3);
    CompletableFuture<Void> third = announcer.announce();

    assertThat(backend.sends).hasSize(1);
    assertThat(second).isSameAs(third).isNotDone();

    backend.sends.get(0).complete(null);
    assertThat(first).isCompleted();
    assertThat(backend.sends).hasSize(2);
    assertThat(backend.listed).containsExactly(1, 3); // the follow-up lists everything at its time
    assertThat(second).isNotDone();

    backend.sends.get(1).complete(null);
    assertThat(second).isCompleted();

    announcer.announce(); // nothing in flight: sent at once
    assertThat(backend.sends).hasSize(3);
  }

  @Test
  void aFailedFollowUpFailsItsCallersAndTheNextAnnouncementIsSentAgain() {
    HeldSends backend = new HeldSends();
    CoalescingAnnouncer announcer = new CoalescingAnnouncer(backend::send);
    announcer.announce();
    CompletableFuture<Void> folded = announcer.announce();

    backend.sends.get(0).completeExceptionally(new IllegalStateException("no confirm"));
    assertThat(backend.sends).hasSize(2); // a failed send still lets the follow-up go
    backend.sends.get(1).completeExceptionally(new IllegalStateException("still no confirm"));
    assertThat(folded).isCompletedExceptionally();

    announcer.announce();
    assertThat(backend.sends).hasSize(3);
  }

  @Test
  void aSenderThatThrowsFailsTheCallNotTheAnnouncer() {
    AtomicInteger calls = new AtomicInteger();
    CoalescingAnnouncer announcer = new CoalescingAnnouncer(() -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("link closing");
      }
      return CompletableFuture.completedFuture(null);
    });
    assertThat(announcer.announce()).isCompletedExceptionally();
    assertThat(announcer.announce()).isCompleted();
    assertThat(calls).hasValue(2);
  }

  @Test
  void sendsThatCompleteAtOnceAreEachMade() {
    AtomicInteger sent = new AtomicInteger();
    CoalescingAnnouncer announcer = new CoalescingAnnouncer(() -> {
      sent.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    });
    for (int i = 0; i < 5; i++) {
      assertThat(announcer.announce()).isCompleted();
    }
    assertThat(sent).hasValue(5);
  }
}
