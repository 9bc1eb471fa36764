package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Masking broker URIs that Java cannot split into parts, and scrubbing secrets out of foreign messages. */
class UrisMaskingTest {

  @Test
  void aUriWithAnUnparsablePortIsStillMasked() {
    URI uri = URI.create("amqp://agent:s3cret@rabbit:notaport/vhost");

    assertThat(uri.getHost()).as("Java gives up on host and user info").isNull();
    assertThat(Uris.mask(uri)).isEqualTo("amqp://agent:***@rabbit:notaport/vhost");
  }

  @Test
  void anOpaqueUriShowsOnlyItsScheme() {
    assertThat(Uris.mask(URI.create("amqp:agent:s3cret@rabbit"))).isEqualTo("amqp:***");
  }

  @Test
  void scrubbingRemovesThePasswordInEveryFormAndKeyStorePasswords() {
    URI uri = URI.create("amqps://agent:p%40ss-w0rd@rabbit:5671?keystore_password=hunter2");
    String message = "failed for amqps://agent:p%40ss-w0rd@rabbit with p@ss-w0rd and hunter2";

    assertThat(Uris.scrub(message, uri)).doesNotContain("p%40ss-w0rd").doesNotContain("p@ss-w0rd")
        .doesNotContain("hunter2").contains("***");
    assertThat(Uris.quotesSecret(new IllegalStateException("wrapper", new RuntimeException("has hunter2")), uri)).isTrue();
    assertThat(Uris.quotesSecret(new IllegalStateException("nothing secret"), uri)).isFalse();
  }

  @Test
  void thePasswordOfAManagementUriInTheQueryIsMaskedAndScrubbed() {
    URI uri = URI.create("amqp://agent:s3cret@rabbit:5672/?management_uri=http%3A%2F%2Fadmin%3Amgmt-pw%40rabbit%3A15672");
    AmqpOptions options = AmqpOptions.of(uri, "ns");

    assertThat(Uris.mask(uri)).isEqualTo("amqp://agent:***@rabbit:5672/?management_uri=http://admin:***@rabbit:15672")
        .doesNotContain("mgmt-pw");
    assertThat(options.toString()).doesNotContain("mgmt-pw").contains("management_uri=http://admin:***@rabbit:15672");
    assertThat(Uris.scrub("refused admin:mgmt-pw", uri)).doesNotContain("mgmt-pw");
  }

  @Test
  void aMalformedHostOrPortIsRefusedInsteadOfConnectingToLocalhostAsGuest() {
    assertThatThrownBy(() -> AmqpBackend.builder().uri("amqp://agent:s3cret@rabbit:notaport"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host or port is malformed")
        .hasMessageNotContaining("s3cret");
  }
}
