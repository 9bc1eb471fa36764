package dev.reef.security;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/** The JDK's built-in Ed25519 (JEP 339): no provider to install, nothing to configure. */
final class Ed25519 {
  static final String ALGORITHM = "Ed25519";
  /** An Ed25519 signature is always 64 bytes. */
  static final int SIGNATURE_BYTES = 64;

  private Ed25519() {}

  static KeyPair generateKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no Ed25519 (Java 15 or later has it built in)", e);
    }
  }

  /** Throws, naming {@code agent}, unless {@code key} is an Ed25519 private key. */
  static void requireSigningKey(String agent, PrivateKey key) {
    try {
      signature().initSign(key);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("the private key of agent '" + agent + "' is not an Ed25519 key (its algorithm is "
          + key.getAlgorithm() + ")");
    }
  }

  /** Throws, naming {@code agent}, unless {@code key} is an Ed25519 public key. */
  static void requireVerifyingKey(String agent, PublicKey key) {
    try {
      signature().initVerify(key);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("the public key of agent '" + agent + "' is not an Ed25519 key (its algorithm is "
          + key.getAlgorithm() + ")");
    }
  }

  static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature signature = signature(); // not thread-safe, and cheap to make: one per use
      signature.initSign(key);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getClass().getSimpleName(), e);
    }
  }

  static boolean verify(PublicKey key, byte[] data, byte[] signatureBytes) {
    try {
      Signature signature = signature();
      signature.initVerify(key);
      signature.update(data);
      return signature.verify(signatureBytes);
    } catch (SignatureException e) {
      return false; // a malformed signature is just a signature that does not match
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("not an Ed25519 public key", e);
    }
  }

  private static Signature signature() {
    try {
      return Signature.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no Ed25519 (Java 15 or later has it built in)", e);
    }
  }
}
