package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import dev.reef.QueueFullException;
import dev.reef.UnknownDestinationException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The publisher's state under its one lock, without a broker: room, confirms, returns, overdue, close. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PublishLedgerTest {
  private final AtomicLong nextSequence = new AtomicLong(1);
  private final Channel channel = (Channel) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {Channel.class}, (proxy, method, arguments) -> switch (method.getName()) {
        case "getNextPublishSeqNo" -> nextSequence.get();
        case "isOpen" -> true;
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == arguments[0];
        default -> throw new UnsupportedOperationException(method.getName());
      });

  private static PendingPublish pending(String what, boolean mandatory) {
    return pending("ex", what, mandatory);
  }

  private static PendingPublish pending(String exchange, String what, boolean mandatory) {
    OutgoingMessage message = new OutgoingMessage(exchange, "key", new AMQP.BasicProperties(), new byte[0],
        mandatory ? () -> new UnknownDestinationException("main", what) : null, what);
    return new PendingPublish(message, System.nanoTime() + Duration.ofSeconds(30).toNanos());
  }

  /** A channel that numbers its publishes from 1 and is open while {@code open} holds. */
  private static Channel closableChannel(AtomicBoolean open, AtomicLong next) {
    return (Channel) Proxy.newProxyInstance(PublishLedgerTest.class.getClassLoader(), new Class<?>[] {Channel.class},
        (proxy, method, arguments) -> switch (method.getName()) {
          case "getNextPublishSeqNo" -> next.get();
          case "isOpen" -> open.get();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == arguments[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  /** A ledger on a channel of its own that numbers its publishes from 1 and stays open until {@link #close}. */
  private record OnChannel(PublishLedger ledger, Channel channel, AtomicBoolean open, AtomicLong next) {
    static OnChannel opened() {
      AtomicBoolean open = new AtomicBoolean(true);
      AtomicLong next = new AtomicLong(1);
      PublishLedger ledger = new PublishLedger(10);
      Channel channel = closableChannel(open, next);
      ledger.reopened(channel);
      return new OnChannel(ledger, channel, open, next);
    }

    /** Admits and writes each of {@code pendings} on the channel, in order. */
    void write(PendingPublish... pendings) {
      for (PendingPublish pending : pendings) {
        assertThat(ledger.admit(pending, System.nanoTime())).isNull();
        assertThat(ledger.place(pending).place()).isEqualTo(PublishLedger.Place.WRITE);
        next.incrementAndGet(); // as basicPublish does
      }
    }

    /** The broker closed the channel (its close not yet reported to the ledger). */
    void close() {
      open.set(false);
    }

    /** Admits each of {@code pendings}, which the closed channel leaves parked. */
    void park(PendingPublish... pendings) {
      for (PendingPublish pending : pendings) {
        assertThat(ledger.admit(pending, System.nanoTime())).isNull();
        assertThat(ledger.place(pending).place()).isEqualTo(PublishLedger.Place.PARKED);
      }
    }
  }

  private static List<PendingPublish> drain(PublishLedger ledger) {
    List<PendingPublish> parked = new ArrayList<>();
    PendingPublish next;
    while ((next = ledger.nextParked()) != null) {
      parked.add(next);
    }
    return parked;
  }

  private PublishLedger ledgerWithChannel(int room) {
    PublishLedger ledger = new PublishLedger(room);
    ledger.reopened(channel);
    return ledger;
  }

  /** Admits and places {@code pending} as the channel's next publish; returns its sequence number. */
  private long write(PublishLedger ledger, PendingPublish pending) {
    assertThat(ledger.admit(pending, System.nanoTime())).isNull();
    PublishLedger.Placement placement = ledger.place(pending);
    assertThat(placement.place()).isEqualTo(PublishLedger.Place.WRITE);
    nextSequence.incrementAndGet(); // as basicPublish does
    return placement.sequence();
  }

  @Test
  void aFullWindowRefusesAfterTheDeadlineAndAConfirmMakesRoom() throws Exception {
    PublishLedger ledger = ledgerWithChannel(1);
    long first = write(ledger, pending("first", false));

    long start = System.nanoTime();
    RuntimeException refused = ledger.admit(pending("second", false), start + Duration.ofMillis(200).toNanos());
    long waited = System.nanoTime() - start;
    assertThat(refused).hasMessageContaining("1 earlier sends still wait");
    assertThat(Duration.ofNanos(waited)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(3));

    CompletableFuture<RuntimeException> admitted = CompletableFuture.supplyAsync(
        () -> ledger.admit(pending("third", false), System.nanoTime() + Duration.ofSeconds(10).toNanos()));
    Thread.sleep(100);
    assertThat(admitted).as("waiting for room").isNotDone();
    assertThat(ledger.confirmed(first, false, false)).singleElement().satisfies(outcome ->
        assertThat(outcome.error()).isNull());
    assertThat(admitted.get(5, TimeUnit.SECONDS)).as("admitted once the confirm made room").isNull();
  }

  @Test
  void aReturnIsFoundByItsSequenceNumberAndFailsThePublishItsAckSettles() {
    PublishLedger ledger = ledgerWithChannel(10);
    long toSomeone = write(ledger, pending("someone", true));
    long toNobody = write(ledger, pending("nobody", true));
    long broadcast = write(ledger, pending("everyone", false));

    assertThat(ledger.returned(toNobody)).isTrue();
    assertThat(ledger.returned(broadcast)).as("not mandatory: nothing waits for a return").isFalse();
    assertThat(ledger.returned(-1)).as("no sequence header").isFalse();
    List<PublishLedger.Outcome> outcomes = ledger.confirmed(broadcast, true, false);

    assertThat(outcomes).hasSize(3);
    assertThat(outcomes.get(0).error()).isNull();
    assertThat(outcomes.get(1).error()).isInstanceOf(UnknownDestinationException.class).hasMessageContaining("nobody");
    assertThat(outcomes.get(2).error()).isNull();
    assertThat(ledger.outstanding()).isZero();
    assertThat(toSomeone).isLessThan(toNobody);
  }

  @Test
  void aNackFailsAsAFullQueueAndASettledPublishIsNotSettledAgain() {
    PublishLedger ledger = ledgerWithChannel(10);
    long sequence = write(ledger, pending("refused", true));

    assertThat(ledger.confirmed(sequence, false, true)).singleElement().satisfies(outcome ->
        assertThat(outcome.error()).isInstanceOf(QueueFullException.class));
    assertThat(ledger.confirmed(sequence, false, false)).as("a second confirm of the same publish").isEmpty();
    assertThat(ledger.outstanding()).isZero();
  }

  @Test
  void whileBlockedPublishesAreParkedThenSentInOrder() {
    PublishLedger ledger = ledgerWithChannel(10);
    ledger.blocked(true);
    PendingPublish first = pending("first", false);
    PendingPublish second = pending("second", false);
    for (PendingPublish each : List.of(first, second)) {
      assertThat(ledger.admit(each, System.nanoTime())).isNull();
      assertThat(ledger.place(each).place()).isEqualTo(PublishLedger.Place.PARKED);
    }
    assertThat(ledger.nextParked()).as("nothing goes while blocked").isNull();

    ledger.blocked(false);

    assertThat(ledger.nextParked()).isSameAs(first);
    assertThat(ledger.nextParked()).isSameAs(second);
    assertThat(ledger.nextParked()).isNull();
    assertThat(ledger.outstanding()).as("parked ones still hold their room").isEqualTo(2);
  }

  @Test
  void afterRecoveryWhatWaitedForAConfirmGoesFirstInOrder() {
    PublishLedger ledger = ledgerWithChannel(10);
    PendingPublish first = pending("first", false);
    PendingPublish second = pending("second", false);
    write(ledger, first);
    write(ledger, second);
    ledger.connected(false);
    PendingPublish meanwhile = pending("meanwhile", false);
    assertThat(ledger.admit(meanwhile, System.nanoTime())).isNull();
    assertThat(ledger.place(meanwhile).place()).isEqualTo(PublishLedger.Place.PARKED);

    nextSequence.set(1); // the recovered channel numbers from 1 again
    assertThat(ledger.recovered()).isEqualTo(3);

    assertThat(ledger.nextParked()).isSameAs(first);
    assertThat(ledger.nextParked()).isSameAs(second);
    assertThat(ledger.nextParked()).isSameAs(meanwhile);
  }

  @Test
  void aChannelErrorNamingAnExchangeFailsItsPublishesAndSendsTheOthersAgainFirst() {
    OnChannel first = OnChannel.opened();
    PendingPublish a1 = pending("a", "a1", false);
    PendingPublish gone1 = pending("gone", "gone1", true);
    PendingPublish a2 = pending("a", "a2", false);
    PendingPublish gone2 = pending("gone", "gone2", false);
    PendingPublish a3 = pending("a", "a3", false);
    first.write(a1, gone1, a2);
    first.close();
    first.park(gone2, a3);
    PublishLedger ledger = first.ledger();

    PublishLedger.ChannelLoss loss = ledger.channelLost(first.channel(), "gone");

    assertThat(loss.refused()).containsExactly(gone1, gone2);
    assertThat(loss.again()).isEqualTo(2);
    assertThat(ledger.outstanding()).isEqualTo(3);
    assertThat(ledger.claimReopen()).isTrue();
    ledger.reopened(closableChannel(new AtomicBoolean(true), new AtomicLong(1)));
    assertThat(drain(ledger)).containsExactly(a1, a2, a3);
  }

  @Test
  void aChannelErrorNamingNoExchangeFailsEveryUnconfirmedPublish() {
    OnChannel first = OnChannel.opened();
    PendingPublish a1 = pending("a", "a1", false);
    PendingPublish b1 = pending("b", "b1", false);
    first.write(a1, b1);
    first.close();

    assertThat(first.ledger().channelLost(first.channel(), null).refused()).containsExactly(a1, b1);
    assertThat(first.ledger().outstanding()).isZero();
    assertThat(first.ledger().channelLost(first.channel(), null).refused()).as("reported twice").isEmpty();
  }

  @Test
  void aChannelReopenedBeforeItsCloseWasReportedSendsWhatWaitedOnTheOldOneFirst() {
    OnChannel first = OnChannel.opened();
    PendingPublish a1 = pending("a", "a1", false);
    PendingPublish a2 = pending("a", "a2", false);
    PendingPublish a3 = pending("a", "a3", false);
    first.write(a1, a2);
    first.close();
    first.park(a3);
    PublishLedger ledger = first.ledger();
    assertThat(ledger.claimReopen()).isTrue();
    AtomicLong freshNext = new AtomicLong(1);
    ledger.reopened(closableChannel(new AtomicBoolean(true), freshNext));

    assertThat(drain(ledger)).as("the old channel's unconfirmed publishes first").containsExactly(a1, a2, a3);
    assertThat(ledger.channelLost(first.channel(), "a").refused()).as("the late close of a replaced channel")
        .isEmpty();
    long again = ledger.place(a1).sequence();
    freshNext.incrementAndGet();
    assertThat(again).isEqualTo(1);
    assertThat(ledger.confirmed(again, false, false)).singleElement()
        .satisfies(outcome -> assertThat(outcome.pending()).isSameAs(a1));
  }

  @Test
  void aChannelOnWhichEveryPublishIsRefusedForAWhileIsReplacedAndTheWaitsGrow() {
    OnChannel first = OnChannel.opened();
    PublishLedger ledger = first.ledger();
    first.write(pending("a1", false), pending("a2", false), pending("a3", false), pending("a4", false));
    long start = System.nanoTime();
    long second = Duration.ofSeconds(1).toNanos();

    ledger.confirmed(1, false, true, start);
    ledger.confirmed(2, false, true, start + second / 2);
    assertThat(ledger.claimRefresh(start + second / 2)).as("refused for half a second").isFalse();
    assertThat(ledger.claimRefresh(start + second)).as("refused for a second").isTrue();
    assertThat(ledger.claimRefresh(start + second)).as("claimed already").isFalse();
    AtomicLong freshNext = new AtomicLong(1);
    Channel fresh = closableChannel(new AtomicBoolean(true), freshNext);
    assertThat(ledger.reopened(fresh)).as("the refusing channel, to close").isSameAs(first.channel());
    assertThat(drain(ledger)).as("what waited on the refusing channel goes again")
        .extracting(pending -> pending.message.description()).containsExactly("a3", "a4");

    // The fresh channel is refused too (a full queue, say): the next fresh one waits twice as long.
    PendingPublish b1 = pending("b1", false);
    assertThat(ledger.admit(b1, System.nanoTime())).isNull();
    long b1Sequence = ledger.place(b1).sequence();
    freshNext.incrementAndGet();
    ledger.confirmed(b1Sequence, false, true, start + 2 * second);
    assertThat(ledger.claimRefresh(start + 2 * second + second / 2)).as("1.5 s after the last fresh channel")
        .isFalse();
    assertThat(ledger.claimRefresh(start + 3 * second)).as("2 s after it").isTrue();
    ledger.reopened(null); // could not open one: the claim is given back

    // An ack ends the run of refusals: nothing is replaced however long ago the last refusal was.
    PendingPublish c1 = pending("c1", false);
    assertThat(ledger.admit(c1, System.nanoTime())).isNull();
    long c1Sequence = ledger.place(c1).sequence();
    freshNext.incrementAndGet();
    ledger.confirmed(c1Sequence, false, false, start + 4 * second);
    assertThat(ledger.claimRefresh(start + 60 * second)).isFalse();
  }

  @Test
  void overduePublishesAreSettledOnceWhetherWrittenOrParked() {
    PublishLedger ledger = ledgerWithChannel(10);
    write(ledger, pending("written", false));
    ledger.connected(false);
    PendingPublish parked = pending("parked", false);
    assertThat(ledger.admit(parked, System.nanoTime())).isNull();
    ledger.place(parked);

    PublishLedger.Overdue overdue = ledger.takeOverdue(System.nanoTime() + Duration.ofMinutes(1).toNanos());

    assertThat(overdue.unanswered()).extracting(each -> each.message.description()).containsExactly("written");
    assertThat(overdue.unsent()).containsExactly(parked);
    assertThat(ledger.takeOverdue(System.nanoTime() + Duration.ofMinutes(1).toNanos()).unanswered()).isEmpty();
    assertThat(ledger.outstanding()).isZero();
  }

  @Test
  void closingWaitsForConfirmsWithoutPollingThenSettlesWhatIsLeft() throws Exception {
    PublishLedger ledger = ledgerWithChannel(10);
    long confirmedLater = write(ledger, pending("confirmed later", false));
    CompletableFuture<PublishLedger.Closing> closing = CompletableFuture.supplyAsync(
        () -> ledger.close(System.nanoTime() + Duration.ofSeconds(10).toNanos(), () -> true));
    Thread.sleep(100);
    assertThat(closing).as("waiting for the outstanding confirm").isNotDone();

    ledger.confirmed(confirmedLater, false, false);

    PublishLedger.Closing closed = closing.get(5, TimeUnit.SECONDS);
    assertThat(closed.left()).isEmpty();
    assertThat(closed.channel()).isSameAs(channel);
    assertThat(ledger.admit(pending("after", false), System.nanoTime())).hasMessageContaining("closed");

    PublishLedger abandoned = ledgerWithChannel(10);
    write(abandoned, pending("never confirmed", false));
    assertThat(abandoned.close(System.nanoTime() + Duration.ofMillis(50).toNanos(), () -> true).left())
        .extracting(each -> each.message.description()).containsExactly("never confirmed");
  }
}
