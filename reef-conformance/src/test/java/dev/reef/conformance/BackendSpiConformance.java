package dev.reef.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.reef.DeadLetter;
import dev.reef.spi.ConsumerHandle;
import dev.reef.spi.ConsumerSpec;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Delivery;
import dev.reef.spi.DeliveryHandler;
import dev.reef.spi.Outbound;
import dev.reef.spi.PresenceLink;
import dev.reef.spi.PresenceMessage;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the engine relies on from every backend, checked on {@link ReefBackend} itself with no Reef
 * above it: a delivery settles once, a closed consumer or connection gives its unsettled deliveries
 * to another consumer, marked redelivered, and presence messages go to every other connection of the
 * namespace, never back to their sender.
 */
class BackendSpiConformance extends ConformanceTest {
  private static final int PREFETCH = 10;
  private static final int MARKER = 1000;

  @Test
  void settlingAnAcknowledgedDeliveryAgainChangesNothing() {
    ReefBackend backend = backend();
    Received worker = consume(backend, "worker");
    publish(backend, 1);

    Delivery delivery = worker.next();
    assertThat(delivery.redelivered()).as("redelivered flag of a first delivery").isFalse();
    delivery.ack();
    delivery.ack(); // every later settlement is ignored, without an exception
    delivery.requeue();
    delivery.deadLetter(new DeadLetterReason("settled too late", 1, "worker"));

    publish(backend, MARKER); // a requeued spore would come back before it
    Delivery next = worker.next();
    assertThat(n(next.spore())).as("the spore after an acknowledged one").isEqualTo(MARKER);
    next.ack();
    assertThat(deadLetters(backend)).as("dead letters after a late dead-lettering").isEmpty();
  }

  @Test
  void aDeliveryDeadLetteredOnceIsNeitherRequeuedNorDeadLetteredAgain() {
    ReefBackend backend = backend();
    Received worker = consume(backend, "worker");
    publish(backend, 1);

    Delivery delivery = worker.next();
    delivery.deadLetter(new DeadLetterReason("IllegalStateException: first reason", 3, "worker"));
    delivery.deadLetter(new DeadLetterReason("second reason", 4, "worker"));
    delivery.requeue();
    delivery.ack();

    publish(backend, MARKER);
    Delivery next = worker.next();
    assertThat(n(next.spore())).as("the spore after a dead-lettered one").isEqualTo(MARKER);
    next.ack();
    eventually().until(() -> !deadLetters(backend).isEmpty());
    List<DeadLetter> dead = deadLetters(backend);
    assertThat(dead).as("dead letters").hasSize(1);
    assertThat(dead.get(0).spore()).as("the dead-lettered spore").contains(delivery.spore());
    assertThat(dead.get(0).error()).contains("first reason");
    assertThat(dead.get(0).attempts()).isEqualTo(3);
    assertThat(dead.get(0).agent()).isEqualTo("worker");
  }

  @Test
  void aRequeuedDeliveryComesBackMarkedRedelivered() {
    ReefBackend backend = backend();
    Received worker = consume(backend, "worker");
    publish(backend, 1);

    Delivery first = worker.next();
    assertThat(first.redelivered()).as("redelivered flag of a first delivery").isFalse();
    first.requeue();

    Delivery again = worker.next();
    assertThat(again.spore().id()).as("the spore delivered again").isEqualTo(first.spore().id());
    assertThat(again.redelivered()).as("redelivered flag of a redelivery").isTrue();
    assertThat(again.attempt()).as("a requeue is not a retry: the attempt stays").isEqualTo(first.attempt());
    again.ack();
  }

  @Test
  void closingAConsumerGivesItsUnsettledDeliveriesToAnotherConsumer() {
    ReefBackend first = backend();
    ReefBackend second = backend();
    Received leaving = consume(first, "worker");
    for (int i = 0; i < 3; i++) {
      publish(second, i);
    }
    List<Delivery> unsettled = leaving.next(3);
    Received staying = consume(second, "worker");

    leaving.handle.close();

    List<Delivery> again = staying.next(3);
    assertThat(again).extracting(delivery -> delivery.spore().id()).as("spores the other consumer got")
        .containsExactlyInAnyOrderElementsOf(unsettled.stream().map(delivery -> delivery.spore().id()).toList());
    assertThat(again).allSatisfy(delivery -> assertThat(delivery.redelivered()).as("redelivered flag").isTrue());
    unsettled.forEach(Delivery::ack); // after the close: ignored, without an exception
    again.forEach(Delivery::ack);
    publish(second, MARKER);
    assertThat(n(staying.next().spore())).as("the spore after those").isEqualTo(MARKER);
  }

  @Test
  void closingAConnectionGivesItsUnsettledDeliveriesToAnotherConnection() {
    ReefBackend first = backend();
    ReefBackend second = backend();
    Received leaving = consume(first, "worker");
    for (int i = 0; i < 3; i++) {
      publish(second, i);
    }
    List<Delivery> unsettled = leaving.next(3);
    Received staying = consume(second, "worker");

    first.close();

    List<Delivery> again = staying.next(3);
    assertThat(again).extracting(delivery -> delivery.spore().id()).as("spores the other connection got")
        .containsExactlyInAnyOrderElementsOf(unsettled.stream().map(delivery -> delivery.spore().id()).toList());
    assertThat(again).allSatisfy(delivery -> assertThat(delivery.redelivered()).as("redelivered flag").isTrue());
    again.forEach(Delivery::ack);
  }

  @Test
  void presenceMessagesReachTheOtherConnectionsButNeverTheirSender() {
    ReefBackend first = backend();
    ReefBackend second = backend();
    BlockingQueue<PresenceMessage> heardByFirst = new LinkedBlockingQueue<>();
    BlockingQueue<PresenceMessage> heardBySecond = new LinkedBlockingQueue<>();
    PresenceLink firstLink = first.openPresence(heardByFirst::add);
    PresenceLink secondLink = second.openPresence(heardBySecond::add);

    PresenceMessage fromFirst = announcement("reef-first");
    join(firstLink.send(fromFirst));
    assertThat(take(heardBySecond)).as("what the other connection heard").isEqualTo(fromFirst);

    // The second's answer reaches the first behind its own message, had that come back to it.
    PresenceMessage fromSecond = new PresenceMessage(PresenceMessage.Kind.HELLO, "reef-second", "host-b", 7,
        Duration.ofSeconds(1), List.of());
    join(secondLink.send(fromSecond));
    assertThat(take(heardByFirst)).as("the first message its sender heard").isEqualTo(fromSecond);
    // And the same the other way round.
    PresenceMessage leaving = new PresenceMessage(PresenceMessage.Kind.LEAVE, "reef-first", "host-a", 42,
        Duration.ofMillis(200), List.of());
    join(firstLink.send(leaving));
    assertThat(take(heardBySecond)).as("the next message the second connection heard").isEqualTo(leaving);
  }

  private PresenceMessage announcement(String reefId) {
    PresenceMessage.Instance instance = new PresenceMessage.Instance("worker", UUID.randomUUID().toString(),
        channelName(), Set.of("translate", "summarize"), Instant.now().truncatedTo(ChronoUnit.MILLIS), true);
    return new PresenceMessage(PresenceMessage.Kind.ANNOUNCE, reefId, "host-a", 42, Duration.ofMillis(200),
        List.of(instance));
  }

  private Received consume(ReefBackend backend, String agent) {
    Received received = new Received();
    received.handle = backend.consume(
        new ConsumerSpec(channelName(), agent, UUID.randomUUID().toString(), PREFETCH), received);
    return received;
  }

  private void publish(ReefBackend backend, int n) {
    Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("client").to("worker").knowledge(n(n)).build();
    join(backend.publish(Outbound.of(channelName(), spore, null)));
  }

  private List<DeadLetter> deadLetters(ReefBackend backend) {
    return backend.deadLetters().list().stream().filter(dead -> channelName().equals(dead.channel())).toList();
  }

  private static <T> T take(BlockingQueue<T> queue) {
    try {
      T next = queue.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      return next != null ? next : fail("nothing arrived within " + PATIENCE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The deliveries of one consumer, in arrival order. */
  private static final class Received implements DeliveryHandler {
    private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    private ConsumerHandle handle;

    @Override
    public void onDelivery(Delivery delivery) {
      deliveries.add(delivery);
    }

    @Override
    public void onUndecodable(String reason) {
      throw new AssertionError("the backend could not decode a spore the suite published: " + reason);
    }

    Delivery next() {
      return take(deliveries);
    }

    List<Delivery> next(int count) {
      List<Delivery> taken = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        taken.add(next());
      }
      return taken;
    }
  }
}
