package dev.reef.amqp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS context of an {@code amqps://} connection: the broker's certificate is checked
 * against a CA file (PEM) or, without one, the JVM's trusted CAs; a client certificate comes from a
 * PKCS#12 key store. Nothing here ever trusts every certificate.
 */
final class TlsContexts {
  private TlsContexts() {}

  /**
   * Why a TLS connection failed, in the terms of its settings, or null when {@code error} is not a TLS
   * failure. The JDK's own messages ("PKIX path building failed", "Connection reset") say what broke,
   * not which setting to look at.
   *
   * @param trustedBy what the broker's certificate was checked against, e.g. "the CA file /etc/ca.pem"
   * @param clientCertificate whether a client certificate was offered
   * @param hosts the host names connected to
   */
  static String describeFailure(Throwable error, String trustedBy, boolean clientCertificate, List<String> hosts) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof java.security.cert.CertificateException
          && (message.startsWith("No subject alternative") || message.startsWith("No name matching"))) {
        String host = hosts.size() == 1 ? "host '" + hosts.get(0) + "'" : "the host connected to (one of " + hosts + ")";
        return "TLS handshake failed: the broker's certificate does not name " + host + " (" + message + "); connect"
            + " by a name the certificate carries";
      }
      if (cause instanceof java.security.cert.CertPathBuilderException
          || cause instanceof java.security.cert.CertPathValidatorException
          || cause.getClass().getName().equals("sun.security.validator.ValidatorException")) {
        return "TLS handshake failed: the broker's certificate is not trusted, as no CA in " + trustedBy
            + " signed it (" + rootMessage(cause) + ")";
      }
      if (cause instanceof javax.net.ssl.SSLHandshakeException && message.contains("fatal alert")) {
        return "TLS handshake failed: the broker refused this client's certificate (" + message + "): "
            + clientCertificateHint(clientCertificate);
      }
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      // Exactly SocketException ("Connection reset", "Broken pipe"): its subclasses (ConnectException,
      // NoRouteToHostException) mean the broker was never reached.
      if (cause.getClass() == java.net.SocketException.class || cause instanceof java.io.EOFException
          || cause instanceof javax.net.ssl.SSLException) {
        // The broker checks the client's certificate last (after the handshake, in TLS 1.3) and then
        // just closes the connection: the client only sees it go.
        return "the broker closed the TLS connection during the handshake (" + cause.getMessage() + "): most likely "
            + "the broker refused this client's certificate: " + clientCertificateHint(clientCertificate);
      }
    }
    return null;
  }

  private static String clientCertificateHint(boolean clientCertificate) {
    return clientCertificate
        ? "it must be signed by a CA the broker trusts (its ssl_options.cacertfile)"
        : "none was offered, and the broker may demand one (set keystore to a PKCS#12 file)";
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT).contains("certification path")
        ? "no certification path to a trusted CA"
        : root.getMessage();
  }

  /**
   * @param caCertificates PEM file of the CA certificate(s) that signed the broker's, or null for the
   *     JVM's trust store
   * @param keyStore PKCS#12 file holding the client certificate and key, or null for none
   * @param keyStorePassword its password (may be empty)
   */
  static SSLContext create(Path caCertificates, Path keyStore, char[] keyStorePassword) {
    try {
      TrustManager[] trust = null;
      if (caCertificates != null) {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caCertificates)) {
          certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
          throw new IllegalArgumentException("CA file " + caCertificates + " holds no certificate");
        }
        int n = 0;
        for (Certificate certificate : certificates) {
          trusted.setCertificateEntry("ca-" + n++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        trust = factory.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (keyStore != null) {
        char[] password = keyStorePassword == null ? new char[0] : keyStorePassword;
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
          store.load(in, password);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        keys = factory.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null); // null trust managers: the JVM's default trust store
      return context;
    } catch (IOException e) {
      throw new IllegalArgumentException("could not read TLS files (CA " + caCertificates + ", key store " + keyStore
          + "): " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid TLS material (CA " + caCertificates + ", key store " + keyStore
          + "): " + e.getMessage(), e);
    }
  }
}
