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
