package dev.reef.inmemory;

import static dev.reef.inmemory.TestSpores.directed;
import static dev.reef.inmemory.TestSpores.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.UnknownDestinationException;
import dev.reef.spi.BackendContext;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.JsonMapping;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProviderTest {
  private final InMemoryBackendProvider provider = new InMemoryBackendProvider();

  @Test
  void registeredForTheServiceLoader() {
    assertThat(ServiceLoader.load(ReefBackendProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(InMemoryBackendProvider.class);
  }

  @Test
  void supportsOnlyTheMemoryScheme() {
    assertThat(provider.supports(URI.create("memory:/"))).isTrue();
    assertThat(provider.supports(URI.create("memory://shared"))).isTrue();
    assertThat(provider.supports(URI.create("amqp://localhost"))).isFalse();
    assertThat(provider.supports(URI.create("relative/path"))).isFalse();
    assertThat(provider.supports(null)).isFalse();
    assertThatThrownBy(() -> provider.create(URI.create("amqp://localhost"), context("reef")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amqp://localhost");
  }

  @Test
  void rejectsMalformedMemoryUris() {
    for (String uri : new String[] {"memory:foo", "memory://name/path", "memory://name?x=1", "memory:/#frag"}) {
      assertThatThrownBy(() -> provider.create(URI.create(uri), context("reef")))
          .as(uri).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory://NAME");
    }
    assertThatThrownBy(() -> provider.create(URI.create("memory:/"), context("bad namespace")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
  }

  @Test
  void privateUriMakesABrokerPerBackendClosedWithIt() {
    ReefBackend first = provider.create(URI.create("memory:/"), context("reef"));
    ReefBackend second = provider.create(URI.create("memory:/"), context("reef"));
    try {
      first.consume(spec("alice", 1), Recorder.acking());

      assertThat(second.publish(directed("alice", 1)))
          .failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
          .isInstanceOf(UnknownDestinationException.class);
    } finally {
      first.close();
      second.close();
    }
    assertThatThrownBy(() -> first.publish(directed("alice", 1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void namedUriSharesOneBrokerInTheJvm() {
    String name = "shared-" + UUID.randomUUID();
    URI uri = URI.create("memory://" + name);
    ReefBackend consumerSide = provider.create(uri, context("reef"));
    ReefBackend senderSide = provider.create(uri, context("reef"));
    try {
      Recorder alice = Recorder.acking();
      consumerSide.consume(spec("alice", 1), alice);

      senderSide.publish(directed("alice", 1)).join();

      assertThat(TestSpores.n(alice.next())).isEqualTo(1);
      InMemoryBroker.shared(name).connect("reef").publish(directed("alice", 2)).join(); // alice's queue is there
      assertThat(TestSpores.n(alice.next())).isEqualTo(2);
      senderSide.close(); // a shared broker outlives its connections
      assertThat(InMemoryBroker.shared(name).isClosed()).isFalse();
    } finally {
      InMemoryBroker.shared(name).close();
    }
    assertThat(InMemoryBroker.shared(name).isClosed()).as("a closed shared broker is replaced").isFalse();
    InMemoryBroker.shared(name).close();
  }

  @Test
  void sharedRejectsEmptyNames() {
    assertThatThrownBy(() -> InMemoryBroker.shared("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> InMemoryBroker.shared(null)).isInstanceOf(IllegalArgumentException.class);
  }

  private static BackendContext context(String namespace) {
    return new BackendContext(namespace, JsonMapping.defaults(), new SimpleMeterRegistry());
  }
}
