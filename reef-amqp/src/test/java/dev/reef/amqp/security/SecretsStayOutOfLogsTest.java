package dev.reef.amqp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RetryPolicy;
import dev.reef.SubscriptionOptions;
import dev.reef.amqp.AmqpBackend;
import dev.reef.amqp.AmqpOption;
import dev.reef.security.KeyRegistry;
import dev.reef.security.SporeSigning;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs Reef with real secrets (a broker password in the URI, a key store password, an Ed25519
 * signing key) through connecting over TLS, sending, requests, failing handlers, a lost connection,
 * a bad host, refused logins, bad settings and closing, with every logger at DEBUG; then looks for
 * the secrets in everything logged (messages, arguments, stack traces) and in every exception
 * message the run produced. None may appear, in any spelling.
 */
class SecretsStayOutOfLogsTest {
  private static final String USER = "reef-logtest";
  private static final String WRONG_PASSWORD = "Wr0ng-Secret-Pa55-1c9b";
  private static final String WRONG_KEY_STORE_PASSWORD = "Wr0ng-Kst0re-4e21";
  private static final KeyPair SIGNING = SporeSigning.generateKeyPair();

  private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private final Map<String, Level> levelsBefore = new LinkedHashMap<>();
  private final List<String> exceptionTexts = new ArrayList<>();
  private final List<Reef> reefs = new ArrayList<>();
  private final String namespace = "secrets-" + UUID.randomUUID().toString().substring(0, 8);
  private SecureBroker broker;

  @BeforeEach
  void captureEverything() {
    broker = SecureBroker.get();
    captured.setContext(logging);
    captured.start();
    Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(captured);
    for (Logger logger : logging.getLoggerList()) { // loggers configured quieter than DEBUG inherit from root again
      levelsBefore.put(logger.getName(), logger.getLevel());
      logger.setLevel(logger == root ? Level.DEBUG : null);
    }
  }

  @AfterEach
  void restore() {
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));
    logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    captured.stop();
    levelsBefore.forEach((name, level) -> logging.getLogger(name).setLevel(level));
  }

  @Test
  void noSecretReachesTheLogsOrAnExceptionMessage() {
    List<String> secrets = secrets();
    String tlsQuery = "?cacertfile=" + SecureBroker.encode(broker.certificates().caCertificate().toString())
        + "&keystore=" + SecureBroker.encode(broker.certificates().clientKeyStore().toString())
        + "&keystore_password=" + SecureBroker.encode(TestCertificates.KEY_STORE_PASSWORD);
    String tlsUri = broker.amqpsUri(USER, "localhost") + tlsQuery;
    SporeSigning signing = SporeSigning.withKey("alice", SIGNING.getPrivate())
        .verifyWith(KeyRegistry.of(Map.of("alice", SIGNING.getPublic())));

    // Connect over TLS, send, ask, fail and retry, dead-letter, broadcast.
    Reef receiver = reef(tlsUri, signing);
    AtomicInteger failures = new AtomicInteger();
    receiver.channel("main").subscribe("alice", SubscriptionOptions.builder()
        .retry(new RetryPolicy(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10))).build(), (spore, ctx) -> {
          if (spore.knowledge() != null && spore.knowledge().has("fail")) {
            failures.incrementAndGet();
            throw new IllegalStateException("handler failure for the log");
          }
          return Map.of("ok", true);
        });
    Reef sender = reef(tlsUri, signing);
    Channel main = sender.channel("main");
    main.send("alice", "alice", Map.of("hello", "world")).join();
    main.send("alice", "alice", Map.of("fail", true)).join();
    main.broadcast("alice", Map.of("news", 1)).join();
    assertThat(main.request("alice", "alice", Map.of("q", 1), Duration.ofSeconds(10)).join().knowledge()
        .get("ok").asBoolean()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.deadLetters().list().size() == 1);
    recordText(sender.toString() + " " + receiver.toString() + " " + signing);

    // Lose every connection, and come back.
    Reef plain = reef(broker.amqpUri(USER) + "?recovery_interval_ms=200", null);
    broker.node().rabbitmqctl("close_all_connections", "a test cuts every connection");
    await().atMost(Duration.ofSeconds(20)).until(() -> plain.isConnected() && sender.isConnected());

    // Through the ServiceLoader, as a configuration would.
    Reef viaUri = Reef.builder().uri(broker.amqpUri(USER)).namespace(namespace).build();
    reefs.add(viaUri);

    // Failure paths: each must fail, and say why without the secret.
    fails(() -> reef(broker.amqpUri(USER).replace("127.0.0.1", "no-such-host.invalid"), null), "could not connect");
    fails(() -> reef(broker.amqpUri(USER).replace(SecureBroker.encode(SecureBroker.LOG_TEST_PASSWORD), WRONG_PASSWORD),
        null), "ACCESS_REFUSED");
    fails(() -> reef(broker.amqpsUri(USER, "localhost").replace(SecureBroker.encode(SecureBroker.LOG_TEST_PASSWORD),
        WRONG_PASSWORD) + tlsQuery, null), "ACCESS_REFUSED");
    fails(() -> reef(tlsUri.replace(TestCertificates.KEY_STORE_PASSWORD, WRONG_KEY_STORE_PASSWORD), null),
        "key store");
    fails(() -> reef(broker.amqpUri(USER) + "?no_such_option=1", null), "unknown query parameter");
    fails(() -> reef(broker.amqpUri(USER).replace("127.0.0.1:", "127.0.0.1:notaport"), null), "AMQP URI");
    fails(() -> reef(broker.amqpUri(USER) + "?heartbeat=often", null), "heartbeat");
    fails(() -> reef(broker.amqpsUri(USER, "localhost") + "?keystore=/no/such.p12&keystore_password="
        + SecureBroker.encode(TestCertificates.KEY_STORE_PASSWORD), null), "could not read TLS files");
    fails(() -> Reef.builder().uri("amqp://" + USER + ":" + SecureBroker.encode(SecureBroker.LOG_TEST_PASSWORD)
        + "@127.0.0.1:" + broker.amqpPort() + "/%zz").build(), "");

    // Close everything: the last log lines.
    reefs.forEach(reef -> reef.close(Duration.ofSeconds(2)));

    List<String> logged = captured.list.stream().map(SecretsStayOutOfLogsTest::render).toList();
    String everything = String.join("\n", logged) + "\n" + String.join("\n", exceptionTexts);
    assertThat(logged).as("the capture works: the run logged at DEBUG and INFO").hasSizeGreaterThan(50);
    assertThat(everything)
        .contains("connected to amqps://" + USER + ":***@localhost")
        .contains("DEBUG")
        .contains("handler failure for the log")
        .contains("lost the");
    for (String secret : secrets) {
      assertThat(everything).as("logs and exception messages").doesNotContain(secret);
    }
  }

  /** Every secret of the run, in every form it could leak in. */
  private static List<String> secrets() {
    byte[] pkcs8 = SIGNING.getPrivate().getEncoded();
    byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length); // the raw Ed25519 private key
    List<String> secrets = new ArrayList<>(List.of(
        SecureBroker.LOG_TEST_PASSWORD, SecureBroker.encode(SecureBroker.LOG_TEST_PASSWORD),
        WRONG_PASSWORD, TestCertificates.KEY_STORE_PASSWORD, WRONG_KEY_STORE_PASSWORD));
    for (byte[] key : List.of(pkcs8, seed)) {
      secrets.add(Base64.getEncoder().encodeToString(key));
      secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
      secrets.add(HexFormat.of().formatHex(key));
      secrets.add(Arrays.toString(key));
    }
    // A secret cut short still leaks: also look for the first 16 characters of each Base64 form.
    secrets.add(Base64.getEncoder().encodeToString(seed).substring(0, 16));
    return secrets;
  }

  private Reef reef(String uri, SporeSigning signing) {
    Reef.Builder builder = Reef.builder()
        .backend(AmqpBackend.builder().uri(uri).namespace(namespace)
            .set(AmqpOption.CONNECTION_NAME, "secrets-test").build())
        .heartbeat(Duration.ofMillis(500))
        .drainTimeout(Duration.ofSeconds(2));
    if (signing != null) {
      builder.signing(signing);
    }
    Reef reef = builder.build();
    reefs.add(reef);
    return reef;
  }

  private void fails(Runnable action, String expected) {
    assertThatThrownBy(action::run).satisfies(error -> {
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      exceptionTexts.add(trace.toString());
      assertThat(trace.toString()).contains(expected);
    });
  }

  private void recordText(String text) {
    exceptionTexts.add(text);
  }

  private static String render(ILoggingEvent event) {
    StringBuilder text = new StringBuilder().append(event.getLevel()).append(' ').append(event.getLoggerName())
        .append(' ').append(event.getFormattedMessage()).append(' ').append(event.getMDCPropertyMap());
    if (event.getArgumentArray() != null) {
      for (Object argument : event.getArgumentArray()) {
        text.append(" [").append(argument).append(']');
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      text.append('\n').append(ThrowableProxyUtil.asString(thrown));
    }
    return text.toString();
  }
}
