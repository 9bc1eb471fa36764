package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one table of settings: read the same from the URI and the builder, checked, never showing a secret. */
class AmqpOptionsTest {

  private static AmqpOptions fromUri(String query) {
    return AmqpOptions.of(URI.create("amqp://agent:s3cret@rabbit:5672/prod?" + query), "ns");
  }

  @Test
  void everySettingReadsTheSameFromTheUriAndFromTheBuilder() {
    Map<String, Object> samples = Map.ofEntries(
        Map.entry("addresses=a:1,b:2", List.of("a:1", "b:2")),
        Map.entry("queue_type=quorum", QueueType.QUORUM),
        Map.entry("max_queue_length=7", 7),
        Map.entry("max_queue_bytes=4096", 4096L),
        Map.entry("reply_wait_ms=700", Duration.ofMillis(700)),
        Map.entry("dead_letter_key=/etc/reef/dead.key", Path.of("/etc/reef/dead.key")),
        Map.entry("max_body_bytes=1024", 1024),
        Map.entry("confirm_timeout_ms=1500", Duration.ofMillis(1500)),
        Map.entry("send_wait_ms=250", Duration.ofMillis(250)),
        Map.entry("max_unconfirmed=9", 9),
        Map.entry("rpc_timeout_ms=4000", Duration.ofMillis(4000)),
        Map.entry("recovery_interval_ms=300", Duration.ofMillis(300)),
        Map.entry("connection_name=worker", "worker"),
        Map.entry("cacertfile=/etc/ca.pem", Path.of("/etc/ca.pem")),
        Map.entry("keystore=/etc/me.p12", Path.of("/etc/me.p12")),
        Map.entry("keystore_password=hunter2", "hunter2"),
        Map.entry("verify_hostname=false", false),
        Map.entry("heartbeat=15", 15),
        Map.entry("connection_timeout=2000", 2000),
        Map.entry("channel_max=64", 64),
        Map.entry("management_uri=http://rabbit:15673", URI.create("http://rabbit:15673")),
        Map.entry("stream_addresses=a:5552,b", List.of("a:5552", "b")));
    Set<String> covered = new HashSet<>();
    for (Map.Entry<String, Object> sample : samples.entrySet()) {
      String key = sample.getKey().substring(0, sample.getKey().indexOf('='));
      AmqpOption<?> option = AmqpOption.forKey(key);
      URI uri = URI.create("amqps://agent:s3cret@rabbit:5671/prod?" + sample.getKey());
      assertThat(AmqpOptions.of(uri, "ns").get(option)).as(key + " from the URI").isEqualTo(sample.getValue());
      assertThat(set(option, sample.getValue()).get(option)).as(key + " from the builder").isEqualTo(sample.getValue());
      assertThat(option.defaultValue()).as(key + " differs from its default in this test").isNotEqualTo(sample.getValue());
      covered.add(key);
    }
    // site and sites go together: tried in sitesReadTheSameFromTheUriAndFromTheBuilderAndGoTogether
    covered.addAll(List.of(AmqpOption.SITE.key(), AmqpOption.SITES.key()));
    assertThat(covered).as("every setting of the table is tried").hasSameSizeAs(AmqpOption.ALL);
  }

  @Test
  void sitesReadTheSameFromTheUriAndFromTheBuilderAndGoTogether() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("reef-sites-", ".json");
    try {
      java.nio.file.Files.writeString(file, "{\"sites\": [{\"name\": \"a\", \"amqp_uri\": \"amqp://u:pw@ha/\","
          + " \"management_uri\": \"http://ha:15672\"}, {\"name\": \"b\", \"amqp_uri\": \"amqp://u:pw@hb/\","
          + " \"management_uri\": \"http://hb:15672\"}]}");
      AmqpOptions fromUri = AmqpOptions.of(URI.create("amqp://rabbit/?site=a&sites=" + file), "ns");
      assertThat(fromUri.get(AmqpOption.SITE)).isEqualTo("a");
      assertThat(fromUri.get(AmqpOption.SITES)).extracting(dev.reef.sites.Site::name).containsExactly("a", "b");
      assertThat(fromUri.toString()).doesNotContain("pw");
      AmqpOptions fromBuilder = AmqpBackend.builder().uri("amqp://rabbit/").set(AmqpOption.SITE, "b")
          .set(AmqpOption.SITES, fromUri.get(AmqpOption.SITES)).options();
      assertThat(fromBuilder.get(AmqpOption.SITES)).isEqualTo(fromUri.get(AmqpOption.SITES));
      assertThatThrownBy(() -> AmqpOptions.of(URI.create("amqp://rabbit/?site=a"), "ns"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one of the sites");
      assertThatThrownBy(() -> AmqpOptions.of(URI.create("amqp://rabbit/?sites=" + file), "ns"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs option 'site'");
      assertThatThrownBy(() -> AmqpOptions.of(URI.create("amqp://rabbit/?site=c&sites=" + file), "ns"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c'").hasMessageNotContaining("pw");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> AmqpOptions set(AmqpOption<T> option, Object value) {
    return AmqpBackend.builder().uri("amqps://agent:s3cret@rabbit:5671/prod").set(option, (T) value).options();
  }

  @Test
  void theBuilderWinsOverTheUriAndDefaultsFillTheRest() {
    AmqpOptions options = AmqpBackend.builder().uri("amqp://rabbit/?max_queue_length=5&queue_type=quorum")
        .set(AmqpOption.MAX_QUEUE_LENGTH, 6).options();

    assertThat(options.get(AmqpOption.MAX_QUEUE_LENGTH)).isEqualTo(6);
    assertThat(options.get(AmqpOption.QUEUE_TYPE)).isEqualTo(QueueType.QUORUM);
    assertThat(options.get(AmqpOption.SEND_WAIT)).isEqualTo(AmqpOption.SEND_WAIT.defaultValue());
    assertThat(options.uri()).as("the query is read, not kept").hasToString("amqp://rabbit/");
  }

  @Test
  void theDefaultQueueLengthIsTheInMemoryOne() {
    // reef-inmemory's InMemoryBroker.DEFAULT_MAX_QUEUE_LENGTH: a full queue refuses at the same depth on both.
    assertThat(AmqpOption.MAX_QUEUE_LENGTH.defaultValue()).isEqualTo(10_000);
  }

  @Test
  void anUnknownKeyIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> fromUri("queue_typo=quorum"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown query parameter 'queue_typo'")
        .hasMessageContaining("queue_type").hasMessageContaining("send_wait_ms").hasMessageContaining("rpc_timeout_ms")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void theOldPresenceHeartbeatSettingPointsToTheReefs() {
    assertThatThrownBy(() -> fromUri("presence_heartbeat_ms=500"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("presence_heartbeat_ms").hasMessageContaining("Reef.builder().heartbeat");
  }

  @Test
  void aBadValueIsRefusedNamingTheKeyWithoutQuotingSecrets() {
    assertThatThrownBy(() -> fromUri("send_wait_ms=soon")).hasMessageContaining("send_wait_ms")
        .hasMessageContaining("soon").hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> fromUri("max_unconfirmed=0")).hasMessageContaining("max_unconfirmed must be at least 1");
    assertThatThrownBy(() -> fromUri("confirm_timeout_ms=0")).hasMessageContaining("confirm_timeout_ms must be positive");
    assertThatThrownBy(() -> fromUri("verify_hostname=yes")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> fromUri("addresses=rabbit:port")).hasMessageContaining("rabbit:port");
    assertThatThrownBy(() -> AmqpBackend.builder().set(AmqpOption.SEND_WAIT, Duration.ofMillis(-1)))
        .hasMessageContaining("send_wait_ms must be positive");
  }

  @Test
  void shownOptionsMaskEveryPassword() {
    AmqpOptions options = AmqpOptions.of(URI.create("amqps://agent:s3cret@rabbit:5671/prod?keystore_password=hunter2"),
        "ns");

    assertThat(options.toString()).doesNotContain("s3cret").doesNotContain("hunter2")
        .contains("agent:***@rabbit").contains("keystore_password=***").contains("max_queue_length=10000");
    assertThat(options.get(AmqpOption.KEY_STORE_PASSWORD)).isEqualTo("hunter2");
  }

  @Test
  void thePathOfTheUriNamesTheVirtualHostAndATrailingSlashMeansTheDefaultOne() {
    assertThat(Uris.virtualHost(URI.create("amqp://guest:guest@localhost:5672/"))).as("Praval's default URL").isEqualTo("/");
    assertThat(Uris.virtualHost(URI.create("amqp://localhost"))).isEqualTo("/");
    assertThat(Uris.virtualHost(URI.create("amqp://localhost/%2F"))).isEqualTo("/");
    assertThat(Uris.virtualHost(URI.create("amqp://localhost/prod"))).isEqualTo("prod");
    assertThat(Uris.virtualHost(URI.create("amqp://localhost/team%2Fa"))).isEqualTo("team/a");
    assertThat(Uris.user(URI.create("amqp://a%40b:p%3Ass@localhost/"))).isEqualTo("a@b");
    assertThat(Uris.password(URI.create("amqp://a%40b:p%3Ass@localhost/"))).isEqualTo("p:ss");
    assertThat(Uris.user(URI.create("amqp://localhost/"))).as("the client's default").isEqualTo("guest");
  }

  @Test
  void everySettingHasAUniqueKeyAndADescription() {
    Set<String> keys = new HashSet<>();
    for (AmqpOption<?> option : AmqpOption.ALL) {
      assertThat(keys.add(option.key())).as("unique key " + option.key()).isTrue();
      assertThat(option.description()).as(option.key()).isNotBlank();
      assertThat(AmqpOption.forKey(option.key())).isSameAs(option);
    }
    assertThat(AmqpOption.KEY_STORE_PASSWORD.isSecret()).isTrue();
  }
}
