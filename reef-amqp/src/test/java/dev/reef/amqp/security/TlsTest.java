package dev.reef.amqp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.ReefException;
import dev.reef.amqp.AmqpBackend;
import dev.reef.spore.Spore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agents over {@code amqps://} on a private node whose TLS listener checks client certificates: both
 * sides are verified (the broker's certificate against the tests' CA and host name, the client's by
 * the broker), and every failure to verify refuses the connection with an error that says why.
 */
class TlsTest {
  private static SecureBroker broker;
  private final List<Reef> reefs = new ArrayList<>();
  private final String namespace = "tls-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startBroker() {
    broker = SecureBroker.get();
  }

  @AfterEach
  void closeReefs() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
  }

  private String uri(String host, Path ca, Path keyStore) {
    StringBuilder uri = new StringBuilder(broker.amqpsUri("guest", host)).append("?cacertfile=")
        .append(encode(ca.toString()));
    if (keyStore != null) {
      uri.append("&keystore=").append(encode(keyStore.toString()))
          .append("&keystore_password=").append(encode(TestCertificates.KEY_STORE_PASSWORD));
    }
    return uri.toString();
  }

  private Reef reef(String uri) {
    Reef reef = Reef.builder().backend(AmqpBackend.builder().uri(uri).namespace(namespace).build())
        .heartbeat(Duration.ofSeconds(1)).drainTimeout(Duration.ofSeconds(2)).build();
    reefs.add(reef);
    return reef;
  }

  @Test
  void agentsTalkOverMutualTlsWithEverythingVerified() {
    TestCertificates certificates = broker.certificates();
    String uri = uri("localhost", certificates.caCertificate(), certificates.clientKeyStore());
    Channel asker = reef(uri).channel("main");
    Channel answerer = reef(uri).channel("main");
    answerer.subscribe("echo", (spore, ctx) -> Map.of("echo", spore.knowledge().get("say").asText(),
        "user", ctx.verifiedUserId().orElse("?")));

    Spore reply = asker.request("asker", "echo", Map.of("say", "over TLS"), Duration.ofSeconds(10)).join();

    assertThat(reply.knowledge().get("echo").asText()).isEqualTo("over TLS");
    assertThat(reply.knowledge().get("user").asText()).isEqualTo("guest");
    // The broker's own view: these connections are TLS, and it knows the client by its certificate.
    String connections = broker.node().rabbitmqctl("list_connections", "ssl", "peer_cert_subject", "peer_cert_issuer");
    assertThat(connections).contains("true").contains("CN=reef-client").contains("CN=Reef Test CA");
  }

  @Test
  void aClientWithACertificateFromAnotherCaIsRefused() {
    TestCertificates certificates = broker.certificates();
    String uri = uri("localhost", certificates.caCertificate(), certificates.rogueClientKeyStore());

    assertThatThrownBy(() -> reef(uri))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("could not connect")
        .hasMessageContaining("the broker refused this client's certificate")
        .hasMessageContaining("must be signed by a CA the broker trusts");
  }

  @Test
  void aClientWithoutACertificateIsRefused() {
    String uri = uri("localhost", broker.certificates().caCertificate(), null);

    assertThatThrownBy(() -> reef(uri))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("the broker refused this client's certificate")
        .hasMessageContaining("none was offered");
  }

  @Test
  void nothingListeningIsNotMistakenForARefusedCertificate() {
    int closedPort = dev.reef.amqp.faults.PrivateRabbitNode.freePorts(1)[0];
    String uri = "amqps://guest:guest@localhost:" + closedPort + "?cacertfile="
        + encode(broker.certificates().caCertificate().toString()) + "&connection_timeout=2000";

    assertThatThrownBy(() -> reef(uri))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("Connection refused")
        .hasMessageNotContaining("certificate");
  }

  @Test
  void aBrokerWhoseCertificateTheClientDoesNotTrustIsRefused() {
    TestCertificates certificates = broker.certificates();
    String uri = uri("localhost", certificates.rogueCaCertificate(), certificates.clientKeyStore());

    assertThatThrownBy(() -> reef(uri))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("the broker's certificate is not trusted")
        .hasMessageContaining(certificates.rogueCaCertificate().toString());
  }

  @Test
  void aBrokerCertificateForAnotherHostNameIsRefused() {
    // The certificate names localhost only; 127.0.0.1 is the same node under a name it does not carry.
    TestCertificates certificates = broker.certificates();
    String uri = uri("127.0.0.1", certificates.caCertificate(), certificates.clientKeyStore());

    assertThatThrownBy(() -> reef(uri))
        .isInstanceOf(ReefException.class)
        .hasMessageContaining("does not name host '127.0.0.1'");
    // Not a problem of trust: turning host name checks off (never do it in production) connects.
    assertThat(reef(uri + "&verify_hostname=false").isConnected()).isTrue();
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
