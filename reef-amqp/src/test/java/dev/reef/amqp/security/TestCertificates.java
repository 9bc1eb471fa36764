package dev.reef.amqp.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A certificate authority of the tests' own, made with {@code openssl} in a temporary directory: a
 * CA, a broker certificate it signed for {@code localhost}, a client certificate it signed (PKCS#12,
 * with a password), and a second, untrusted CA with a client certificate of its own. EC P-256 keys,
 * valid for two days: made in milliseconds, never worth stealing.
 */
final class TestCertificates implements AutoCloseable {
  /** The client key stores' password. */
  static final String KEY_STORE_PASSWORD = "Kst0re-pass-7d1f";

  private final Path directory;

  private TestCertificates(Path directory) {
    this.directory = directory;
  }

  /**
   * Makes every file.
   *
   * @throws IllegalStateException when {@code openssl} is missing or fails, with its output
   */
  static TestCertificates create() {
    Path directory;
    try {
      directory = Files.createTempDirectory("reef-tls-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TestCertificates certificates = new TestCertificates(directory);
    try {
      certificates.authority("ca", "Reef Test CA");
      certificates.signed("server", "localhost", "ca", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth");
      certificates.signed("client", "reef-client", "ca", "extendedKeyUsage=clientAuth");
      certificates.keyStore("client");
      certificates.authority("rogue-ca", "Rogue CA");
      certificates.signed("rogue-client", "rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth");
      certificates.keyStore("rogue-client");
      return certificates;
    } catch (RuntimeException e) {
      certificates.close();
      throw e;
    }
  }

  /** Where the files are. */
  Path directory() {
    return directory;
  }

  /** The CA that signed the broker's and the client's certificates (PEM). */
  Path caCertificate() {
    return directory.resolve("ca.pem");
  }

  /** Another CA, which signed nothing the broker or the client trust (PEM). */
  Path rogueCaCertificate() {
    return directory.resolve("rogue-ca.pem");
  }

  /** The broker's certificate for {@code localhost} (PEM). */
  Path serverCertificate() {
    return directory.resolve("server.pem");
  }

  /** The broker's private key (PEM). */
  Path serverKey() {
    return directory.resolve("server.key");
  }

  /** The client's certificate and key, signed by the CA (PKCS#12, {@link #KEY_STORE_PASSWORD}). */
  Path clientKeyStore() {
    return directory.resolve("client.p12");
  }

  /** A client certificate and key signed by the rogue CA (PKCS#12, {@link #KEY_STORE_PASSWORD}). */
  Path rogueClientKeyStore() {
    return directory.resolve("rogue-client.p12");
  }

  private void authority(String name, String commonName) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + commonName,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  }

  private void signed(String name, String commonName, String authority, String extensions) {
    write(name + ".ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + extensions + "\n");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", name + ".key",
        "-out", name + ".csr", "-subj", "/CN=" + commonName);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", authority + ".pem", "-CAkey", authority + ".key",
        "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
  }

  private void keyStore(String name) {
    openssl("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + ".key", "-name", name, "-out", name + ".p12",
        "-passout", "pass:" + KEY_STORE_PASSWORD);
  }

  private void write(String file, String text) {
    try {
      Files.writeString(directory.resolve(file), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + args[0] + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("the TLS tests make their certificates with openssl, which could not run"
          + " (install it, e.g. `apt-get install openssl`): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + directory, e);
    }
  }
}
