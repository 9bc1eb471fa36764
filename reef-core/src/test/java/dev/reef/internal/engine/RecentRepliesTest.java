package dev.reef.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentRepliesTest {

  private static Spore replyTo(String request, String text) {
    return Spore.builder(SporeType.RESPONSE).from("oracle").to("asker").replyTo(request)
        .knowledge(Map.of("text", text)).build();
  }

  @Test
  void aReplyIsFoundByItsRequestOnlyAtTheAddressItWentTo() {
    RecentReplies replies = new RecentReplies(10, 1 << 20);
    Spore reply = replyTo("r1", "yes");
    replies.remember("main", "ns.reply.a", reply);

    assertThat(replies.find("r1", "ns.reply.a")).hasValueSatisfying(sent -> {
      assertThat(sent.reply()).isSameAs(reply);
      assertThat(sent.channel()).isEqualTo("main");
    });
    assertThat(replies.find("r1", "ns.reply.forged")).as("no reflection to another address").isEmpty();
    assertThat(replies.find("r2", "ns.reply.a")).isEmpty();
  }

  @Test
  void theOldestGoBeyondTheCount() {
    RecentReplies replies = new RecentReplies(3, 1 << 20);
    for (int i = 0; i < 5; i++) {
      replies.remember("main", "ns.reply.a", replyTo("r" + i, "x"));
    }
    assertThat(replies.size()).isEqualTo(3);
    assertThat(replies.find("r1", "ns.reply.a")).isEmpty();
    assertThat(replies.find("r2", "ns.reply.a")).isPresent();
    assertThat(replies.find("r4", "ns.reply.a")).isPresent();
  }

  @Test
  void theOldestGoBeyondTheBytesAndAReplyTooLargeIsNotKept() {
    String text = "x".repeat(90);
    long each = replyTo("r", text).knowledgeBytes();
    RecentReplies replies = new RecentReplies(100, each * 10 + each / 2); // room for ten
    for (int i = 0; i < 12; i++) {
      replies.remember("main", "ns.reply.a", replyTo("r" + i, text));
    }
    assertThat(replies.size()).isEqualTo(10);
    assertThat(replies.find("r1", "ns.reply.a")).isEmpty();
    assertThat(replies.find("r2", "ns.reply.a")).isPresent();

    replies.remember("main", "ns.reply.a", replyTo("big", "x".repeat((int) (each * 2))));
    assertThat(replies.find("big", "ns.reply.a")).as("over a tenth of the budget").isEmpty();
    assertThat(replies.size()).isEqualTo(10);
  }

  @Test
  void theBoundsMustBePositive() {
    assertThatThrownBy(() -> new RecentReplies(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
