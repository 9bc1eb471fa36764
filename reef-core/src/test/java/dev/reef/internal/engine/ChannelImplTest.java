package dev.reef.internal.engine;

import dev.reef.AccessDeniedException;
import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.RateLimitExceededException;
import dev.reef.Reef;
import dev.reef.ReefClosedException;
import dev.reef.UnknownDestinationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.spi.Outbound;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What a channel checks before anything reaches the backend, and what it hands over. */
class ChannelImplTest {

  @Nested
  class Defaults extends WithFakeBackend {

    @Test
    void channelsAreNamedAndCached() {
      assertThat(channel.name()).isEqualTo("main");
      assertThat(reef.channel("main")).isSameAs(channel);
      assertThatThrownBy(() -> reef.channel("bad name"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid channel name 'bad name': may only contain A-Z a-z 0-9 _ -");
    }

    @Test
    void sendHandsTheSporeToTheBackendAndCountsItOnceTaken() throws Exception {
      Spore spore = Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").knowledge(Map.of("x", 1)).build();
      channel.send(spore).get(WAIT_SECONDS, TimeUnit.SECONDS);

      assertThat(backend.published).containsExactly(new Outbound("main", spore, "bob", null, 1));
      assertThat(reef.stats().sent()).isEqualTo(1);
    }

    @Test
    void sendWithArgumentsBuildsAKnowledgeSpore() throws Exception {
      channel.send("alice", "bob", Map.of("x", 1)).get(WAIT_SECONDS, TimeUnit.SECONDS);
      Spore sent = backend.published.get(0).spore();
      assertThat(sent.type()).isEqualTo(SporeType.KNOWLEDGE);
      assertThat(sent.fromAgent()).isEqualTo("alice");
      assertThat(sent.toAgent()).isEqualTo("bob");
      assertThat(sent.knowledge().get("x").intValue()).isEqualTo(1);
    }

    @Test
    void aBackendRefusalFailsTheFutureAndIsNotCountedAsSent() {
      backend.publishOutcome = message ->
          CompletableFuture.failedFuture(new UnknownDestinationException(message.channel(), message.targetAgent()));

      CompletableFuture<Void> sent = channel.send("alice", "nobody", Map.of());

      assertThatThrownBy(() -> sent.get(WAIT_SECONDS, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(UnknownDestinationException.class)
          .hasMessageContaining("'nobody'");
      assertThat(reef.stats().sent()).isZero();
    }

    @Test
    void sendNeedsARecipientAndIsNotForRequests() {
      assertThatThrownBy(() -> channel.send(Spore.builder(SporeType.BROADCAST).from("alice").build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use broadcast");
      assertThatThrownBy(() -> channel.send(Spore.builder(SporeType.REQUEST).from("alice").to("bob").build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("request(...)");
      assertThatThrownBy(() -> channel.send(null)).isInstanceOf(NullPointerException.class).hasMessage("spore");
      assertThat(backend.published).isEmpty();
    }

    @Test
    void sendValidatesItsArguments() {
      assertThatThrownBy(() -> channel.send("alice", "bad name", Map.of()))
          .isInstanceOfSatisfying(InvalidSporeException.class, e -> assertThat(e.field()).isEqualTo("to_agent"));
      assertThatThrownBy(() -> channel.send("alice", "bob", "not an object"))
          .isInstanceOfSatisfying(InvalidSporeException.class, e -> assertThat(e.field()).isEqualTo("knowledge"));
      assertThat(backend.published).isEmpty();
    }

    @Test
    void broadcastGoesToEveryoneAndNeedsNoRecipient() throws Exception {
      channel.broadcast("alice", Map.of("news", "x")).get(WAIT_SECONDS, TimeUnit.SECONDS);
      Outbound outbound = backend.published.get(0);
      assertThat(outbound.targetAgent()).isNull();
      assertThat(outbound.spore().type()).isEqualTo(SporeType.BROADCAST);

      assertThatThrownBy(() -> channel.broadcast(Spore.builder(SporeType.KNOWLEDGE).from("alice").to("bob").build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("to_agent 'bob'");
    }

    @Test
    void theDefaultKnowledgeLimitIsTenMebibytes() throws Exception {
      String nineMiB = "x".repeat(9 * 1024 * 1024);
      channel.send("alice", "bob", Map.of("blob", nineMiB)).get(WAIT_SECONDS, TimeUnit.SECONDS);
      String elevenMiB = "x".repeat(11 * 1024 * 1024);
      assertThatThrownBy(() -> channel.send("alice", "bob", Map.of("blob", elevenMiB)))
          .isInstanceOfSatisfying(InvalidSporeException.class, e -> assertThat(e.field()).isEqualTo("knowledge"))
          .hasMessageContaining("exceeds the limit of 10485760 bytes");
      assertThat(backend.published).hasSize(1);
    }

    @Test
    void nothingIsSentOnAClosedReef() {
      reef.close();
      assertThatThrownBy(() -> channel.send("alice", "bob", Map.of()))
          .isInstanceOf(ReefClosedException.class);
      assertThatThrownBy(() -> channel.subscribe("bob", (spore, ctx) -> null))
          .isInstanceOf(ReefClosedException.class);
      assertThatThrownBy(() -> reef.channel("other")).isInstanceOf(ReefClosedException.class);
      assertThat(backend.published).isEmpty();
    }

    @Test
    void subscribeValidatesItsArguments() {
      assertThatThrownBy(() -> channel.subscribe("bad name", (spore, ctx) -> null))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid agent name 'bad name'");
      assertThatThrownBy(() -> channel.subscribe("bob", null, (spore, ctx) -> null))
          .isInstanceOf(NullPointerException.class).hasMessage("options");
      assertThatThrownBy(() -> channel.subscribe("bob", null))
          .isInstanceOf(NullPointerException.class).hasMessage("handler must not be null");
      assertThat(backend.consumers).isEmpty();
    }
  }

  @Nested
  class SmallKnowledgeLimit extends WithFakeBackend {
    @Override
    Reef.Builder configure(Reef.Builder builder) {
      return builder.maxKnowledgeBytes(16);
    }

    @Test
    void knowledgeOverTheLimitIsRefusedBeforeSending() throws Exception {
      channel.send("alice", "bob", Map.of("k", "12345678")).get(WAIT_SECONDS, TimeUnit.SECONDS); // 16 bytes
      assertThatThrownBy(() -> channel.send("alice", "bob", Map.of("k", "123456789")))
          .isInstanceOfSatisfying(InvalidSporeException.class, e -> assertThat(e.field()).isEqualTo("knowledge"))
          .hasMessageContaining("encoded size 17 bytes exceeds the limit of 16 bytes");
      assertThat(backend.published).hasSize(1);
    }
  }

  @Nested
  class RateLimited extends WithFakeBackend {
    @Override
    Reef.Builder configure(Reef.Builder builder) {
      return builder.broadcastRateLimit(2, Duration.ofHours(1));
    }

    @Test
    void broadcastsBeyondTheRateAreRefusedAndCounted() {
      channel.broadcast("alice", Map.of());
      channel.broadcast("alice", Map.of());
      assertThatThrownBy(() -> channel.broadcast("alice", Map.of()))
          .isInstanceOf(RateLimitExceededException.class)
          .hasMessage("agent 'alice' exceeded its broadcast rate of 2 broadcasts per PT1H on channel 'main'");
      channel.broadcast("bob", Map.of());
      channel.send("alice", "bob", Map.of()); // directed spores are not limited
      assertThat(backend.published).hasSize(4);
      assertThat(reef.stats().refused()).isEqualTo(1);
    }
  }

  @Nested
  class Authorized extends WithFakeBackend {
    final AtomicReference<AccessRequest> asked = new AtomicReference<>();

    @Override
    Reef.Builder configure(Reef.Builder builder) {
      return builder.authorizer(request -> {
        asked.set(request);
        return "mallory".equals(request.agent()) ? "mallory is not trusted" : null;
      });
    }

    @Test
    void theAuthorizerIsAskedWithTheActionAndCanRefuse() {
      channel.send("alice", "bob", Map.of());
      assertThat(asked.get().action()).isEqualTo(Action.SEND);
      assertThat(asked.get().channel()).isEqualTo("main");
      assertThat(asked.get().agent()).isEqualTo("alice");
      assertThat(asked.get().target()).isEqualTo("bob");
      assertThat(asked.get().spore()).isNotNull();

      assertThatThrownBy(() -> channel.send("mallory", "bob", Map.of()))
          .isInstanceOfSatisfying(AccessDeniedException.class,
              e -> assertThat(e.request().action()).isEqualTo(Action.SEND))
          .hasMessage("refused SEND by 'mallory' on channel 'main' to 'bob': mallory is not trusted");
      assertThatThrownBy(() -> channel.subscribe("mallory", (spore, ctx) -> null))
          .isInstanceOf(AccessDeniedException.class);
      assertThatThrownBy(() -> channel.broadcast("mallory", Map.of())).isInstanceOf(AccessDeniedException.class);

      assertThat(backend.published).hasSize(1);
      assertThat(backend.consumers).isEmpty();
      assertThat(reef.stats().refused()).isEqualTo(3);
    }
  }
}
