package dev.reef.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.UnknownDestinationException;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReplyEndpoint;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplyEndpointTest {
  private final InMemoryBroker broker = InMemoryBroker.create();
  private final ReefBackend requester = broker.connect("reef");
  private final ReefBackend responder = broker.connect("reef");

  @AfterEach
  void closeBroker() {
    broker.close();
  }

  private static Spore reply(int n) {
    return Spore.builder(SporeType.RESPONSE).from("bob").to("alice").replyTo("request-" + n)
        .knowledge(Map.of("n", n)).build();
  }

  @Test
  void repliesReachTheEndpointInOrderOnABrokerThread() throws Exception {
    BlockingQueue<Spore> replies = new LinkedBlockingQueue<>();
    BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();
    ReplyEndpoint endpoint = requester.openReplyEndpoint((reply, user) -> {
      threads.add(Thread.currentThread());
      replies.add(reply);
    });
    ReplyEndpoint other = requester.openReplyEndpoint((reply, user) -> {
      throw new AssertionError("a reply reached the wrong endpoint");
    });
    assertThat(endpoint.address()).startsWith("memory-reply:").isNotEqualTo(other.address());

    for (int i = 0; i < 100; i++) {
      responder.sendReply(endpoint.address(), reply(i)).join();
    }

    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Spore reply = replies.poll(5, TimeUnit.SECONDS);
      assertThat(reply).isNotNull();
      order.add(reply.knowledge().get("n").asInt());
    }
    assertThat(order).isSortedAccordingTo(Integer::compare).hasSize(100);
    assertThat(threads).doesNotContain(Thread.currentThread());
  }

  @Test
  void unknownOrClosedAddressFails() {
    ReplyEndpoint endpoint = requester.openReplyEndpoint((reply, user) -> { });
    endpoint.close();
    endpoint.close(); // idempotent

    assertThatThrownBy(() -> responder.sendReply(endpoint.address(), reply(1)).join())
        .cause().isInstanceOf(UnknownDestinationException.class).hasMessageContaining(endpoint.address());
    assertThatThrownBy(() -> responder.sendReply("memory-reply:nothing", reply(1)).join())
        .cause().isInstanceOf(UnknownDestinationException.class);
  }

  @Test
  void closingTheConnectionClosesItsEndpoints() {
    ReplyEndpoint endpoint = requester.openReplyEndpoint((reply, user) -> { });
    requester.close();

    assertThat(responder.sendReply(endpoint.address(), reply(1)))
        .failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
        .isInstanceOf(UnknownDestinationException.class);
  }

  @Test
  void endpointsOfAnotherBrokerAreUnknown() {
    ReplyEndpoint endpoint = requester.openReplyEndpoint((reply, user) -> { });
    try (InMemoryBroker elsewhere = InMemoryBroker.create()) {
      assertThat(elsewhere.connect("reef").sendReply(endpoint.address(), reply(1)))
          .failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
          .isInstanceOf(UnknownDestinationException.class);
    }
  }
}
