package dev.reef.amqp.security;

import dev.reef.amqp.faults.PrivateRabbitNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One private RabbitMQ node per test JVM for the security tests: beside its plain listener, an AMQPS
 * listener that demands a client certificate signed by the tests' CA ({@code verify_peer}, {@code
 * fail_if_no_peer_cert}); and users of its own, loaded from a definitions file at boot, so that
 * tests can publish as different users. Started on first use; the node and its certificates go when
 * the JVM exits.
 */
final class SecureBroker {
  /** The password of the user {@code reef-logtest}: distinctive, so that a log line holding it is found. */
  static final String LOG_TEST_PASSWORD = "Sup3r-S3cret@AMQP-9f2c7e";
  /** Users and their passwords (each may read, write and configure everything in {@code /}). */
  static final Map<String, String> USERS = users();

  private static SecureBroker instance;

  private final TestCertificates certificates;
  private final PrivateRabbitNode node;
  private final int tlsPort;

  private SecureBroker(TestCertificates certificates, PrivateRabbitNode node, int tlsPort) {
    this.certificates = certificates;
    this.node = node;
    this.tlsPort = tlsPort;
  }

  private static Map<String, String> users() {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("guest", "guest");
    users.put("alice-svc", "alice-Pa55");
    users.put("bob-svc", "bob-Pa55");
    users.put("mallory-svc", "mallory-Pa55");
    users.put("reef-logtest", LOG_TEST_PASSWORD);
    return Map.copyOf(users);
  }

  static synchronized SecureBroker get() {
    if (instance == null) {
      TestCertificates certificates = TestCertificates.create();
      int tlsPort = PrivateRabbitNode.freePorts(1)[0];
      PrivateRabbitNode node;
      try {
        Path definitions = certificates.directory().resolve("definitions.json");
        Files.writeString(definitions, definitions(), StandardCharsets.UTF_8);
        node = PrivateRabbitNode.builder()
            .namePrefix("reef-secure")
            .config("load_definitions", definitions.toString())
            .config("listeners.ssl.default", "127.0.0.1:" + tlsPort)
            .config("ssl_options.cacertfile", certificates.caCertificate().toString())
            .config("ssl_options.certfile", certificates.serverCertificate().toString())
            .config("ssl_options.keyfile", certificates.serverKey().toString())
            .config("ssl_options.verify", "verify_peer")
            .config("ssl_options.fail_if_no_peer_cert", "true")
            .start();
      } catch (IOException e) {
        certificates.close();
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        certificates.close();
        throw e;
      }
      instance = new SecureBroker(certificates, node, tlsPort);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        node.close();
        certificates.close();
      }, "close-secure-broker"));
    }
    return instance;
  }

  TestCertificates certificates() {
    return certificates;
  }

  PrivateRabbitNode node() {
    return node;
  }

  /** {@code amqps://USER:PASSWORD@HOST:TLS_PORT} (no query; the password URI-encoded). */
  String amqpsUri(String user, String host) {
    return "amqps://" + user + ":" + encode(password(user)) + "@" + host + ":" + tlsPort;
  }

  /** {@code amqp://USER:PASSWORD@127.0.0.1:PLAIN_PORT} (the password URI-encoded). */
  String amqpUri(String user) {
    return "amqp://" + user + ":" + encode(password(user)) + "@127.0.0.1:" + node.amqpPort();
  }

  /** The AMQP port of the plain listener. */
  int amqpPort() {
    return node.amqpPort();
  }

  /** The AMQPS port. */
  int tlsPort() {
    return tlsPort;
  }

  static String encode(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String password(String user) {
    String password = USERS.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no user '" + user + "' on the secure broker; users: " + USERS.keySet());
    }
    return password;
  }

  /** RabbitMQ definitions: the users with salted SHA-256 password hashes, the vhost, full permissions. */
  private static String definitions() {
    String users = USERS.entrySet().stream().map(user -> """
        {"name": "%s", "password_hash": "%s", "hashing_algorithm": "rabbit_password_hashing_sha256", \
        "tags": "%s"}""".formatted(user.getKey(), hash(user.getValue()),
        user.getKey().equals("guest") ? "administrator" : "")).collect(Collectors.joining(",\n"));
    String permissions = USERS.keySet().stream().map(user -> """
        {"user": "%s", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}""".formatted(user))
        .collect(Collectors.joining(",\n"));
    return "{\"users\": [" + users + "],\n\"vhosts\": [{\"name\": \"/\"}],\n\"permissions\": [" + permissions + "]}\n";
  }

  /** RabbitMQ's rabbit_password_hashing_sha256: Base64 of a 4-byte salt and SHA-256(salt, password). */
  private static String hash(String password) {
    byte[] salt = new byte[4];
    new SecureRandom().nextBytes(salt);
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(salt);
      byte[] digest = sha256.digest(password.getBytes(StandardCharsets.UTF_8));
      byte[] salted = new byte[salt.length + digest.length];
      System.arraycopy(salt, 0, salted, 0, salt.length);
      System.arraycopy(digest, 0, salted, salt.length, digest.length);
      return Base64.getEncoder().encodeToString(salted);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
