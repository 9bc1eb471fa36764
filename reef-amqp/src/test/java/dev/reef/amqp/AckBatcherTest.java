package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckBatcherTest {
  private final List<String> sent = new ArrayList<>();
  private final AckBatcher.Wire wire = (tag, multiple) -> sent.add((multiple ? "upTo " : "") + tag);

  @Test
  void aConsumerWithNothingElseInHandAcksAtOnce() {
    AckBatcher acks = new AckBatcher(64, wire);
    acks.delivered(1);
    assertThat(acks.acked(1)).isFalse();
    acks.delivered(2);
    assertThat(acks.acked(2)).isFalse();
    assertThat(sent).containsExactly("upTo 1", "upTo 2");
  }

  @Test
  void aBusyConsumerSendsOneMultipleAckPerBatch() {
    AckBatcher acks = new AckBatcher(4, wire);
    for (long tag = 1; tag <= 10; tag++) {
      acks.delivered(tag);
    }
    for (long tag = 1; tag <= 9; tag++) {
      acks.acked(tag);
    }
    assertThat(sent).containsExactly("upTo 4", "upTo 8");
    assertThat(acks.waiting()).isEqualTo(1);
    acks.acked(10); // the last in hand: everything goes
    assertThat(sent).containsExactly("upTo 4", "upTo 8", "upTo 10");
    assertThat(acks.waiting()).isZero();
  }

  @Test
  void aMultipleAckNeverCoversADeliveryStillInHand() {
    AckBatcher acks = new AckBatcher(2, wire);
    for (long tag = 1; tag <= 5; tag++) {
      acks.delivered(tag);
    }
    acks.acked(2);
    acks.acked(3);
    acks.acked(5);
    assertThat(sent).as("1 is still being handled").isEmpty();
    assertThat(acks.acked(1)).as("4 is still in hand, 5 waits above it").isTrue();
    assertThat(sent).containsExactly("upTo 3");
    acks.flush(true);
    assertThat(sent).containsExactly("upTo 3", "5");
    acks.acked(4);
    assertThat(sent).containsExactly("upTo 3", "5", "upTo 4");
  }

  @Test
  void aRequeuedDeliveryHoldsNothingBack() {
    AckBatcher acks = new AckBatcher(8, wire);
    acks.delivered(1);
    acks.delivered(2);
    acks.delivered(3);
    acks.acked(2);
    acks.requeued(1); // nacked by the caller
    assertThat(acks.acked(3)).isFalse();
    assertThat(sent).containsExactly("upTo 3");
  }

  @Test
  void flushingEverythingSendsWhatOneMultipleAckCanCarryThenTheRestOneByOne() {
    AckBatcher acks = new AckBatcher(64, wire);
    for (long tag = 1; tag <= 6; tag++) {
      acks.delivered(tag);
    }
    acks.acked(1);
    acks.acked(2);
    acks.acked(4);
    acks.acked(6);
    acks.flush(false);
    assertThat(sent).containsExactly("upTo 2");
    acks.flush(true);
    assertThat(sent).containsExactly("upTo 2", "4", "6");
    acks.flush(true);
    assertThat(sent).hasSize(3);
  }

  @Test
  void anUnknownTagIsAckedAlone() {
    AckBatcher acks = new AckBatcher(8, wire);
    acks.delivered(5);
    acks.acked(3);
    assertThat(sent).containsExactly("3");
  }

  @Test
  void batchesLeaveTheBrokerRoomToDeliver() {
    assertThat(AckBatcher.batchFor(1)).isEqualTo(1);
    assertThat(AckBatcher.batchFor(16)).isEqualTo(8);
    assertThat(AckBatcher.batchFor(1000)).isEqualTo(64);
    assertThatThrownBy(() -> new AckBatcher(0, wire)).hasMessageContaining("at least 1");
  }
}
