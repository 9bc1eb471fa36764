package dev.reef.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Proof of which agent made a spore: Ed25519 signatures (the JDK's own), made by each sending agent
 * with its private key and checked by receivers against a {@link KeyRegistry} of public keys.
 *
 * <pre>{@code
 * KeyPair alice = SporeSigning.generateKeyPair();          // or keys loaded from your key store
 * KeyRegistry registry = KeyRegistry.of(Map.of("alice", alice.getPublic(), "bob", bobPublicKey));
 * Reef reef = Reef.builder()
 *     .signing(SporeSigning.withKey("alice", alice.getPrivate()).verifyWith(registry))
 *     .build();
 * }</pre>
 *
 * <p>Signing: every spore the Reef sends (sends, broadcasts, requests, replies) is signed with the
 * private key of its {@code from_agent}; a spore from an agent the Reef has no key for fails its send
 * with a {@code ReefException}, since no verifying receiver would accept it. The signature travels
 * in the metadata field {@value #METADATA_KEY}, so it survives retries, dead letters and replays on
 * every backend. It covers every field of the spore, in this byte form (for other implementations):
 * the ASCII label {@code "reef-spore-signature/2\n"}; then {@code id}, {@code spore_type} (wire
 * value), {@code from_agent}, {@code to_agent}, {@code knowledge}, {@code created_at}, {@code
 * expires_at}, {@code priority}, {@code reply_to}, {@code caused_by}, {@code metadata} without {@value #METADATA_KEY},
 * {@code knowledge_references}, {@code data_references}. A string is a big-endian 32-bit length and
 * its UTF-8 bytes (length -1 for null); JSON is a string of its compact text, object keys sorted,
 * numbers as read into Java (integers exact, others as doubles); a time is a byte 1 and its 64-bit
 * microseconds since the epoch (byte 0 for null); the priority is 32 bits; a list is its 32-bit size
 * and its strings.
 *
 * <p>Verifying: a spore that is unsigned, claims an agent the registry does not know, or whose
 * signature does not match (a forged {@code from_agent}, knowledge or any other field changed after
 * signing) is never handled: it goes to the dead letters with the reason, is counted in the meter
 * {@value #REJECTED_METER} (tags {@code channel}, {@code agent}, {@code reason}) and logged. A reply
 * that fails verification is dropped (counted and logged the same way), so its request times out.
 * Handlers see a verified spore without its signature, exactly as it was sent. Observers see spores
 * unverified.
 *
 * <p>What it does not do: it proves who made a spore and that it is unchanged, not that it is new.
 * A captured spore sent again verifies again; the receiving agent's duplicate window suppresses
 * recent repeats, and {@code expires_at} bounds how long a spore is good for.
 *
 * <p>Immutable and thread-safe. Its {@link #toString()} names agents, never keys.
 */
public final class SporeSigning {
  /** The metadata field that carries a spore's signature: {@code "ed25519:"} and 64 bytes in Base64. */
  public static final String METADATA_KEY = "reef_signature";
  /** The counter of spores rejected by verification. */
  public static final String REJECTED_METER = "reef.spores.rejected";

  private static final String PREFIX = "ed25519:";

  private final Map<String, PrivateKey> privateKeys;
  private final KeyRegistry registry; // null: verifies nothing

  private SporeSigning(Map<String, PrivateKey> privateKeys, KeyRegistry registry) {
    this.privateKeys = privateKeys;
    this.registry = registry;
  }

  /**
   * Signs the spores of one agent.
   *
   * @throws IllegalArgumentException when the agent name is invalid or the key is not an Ed25519 key
   */
  public static SporeSigning withKey(String agentName, PrivateKey privateKey) {
    Objects.requireNonNull(privateKey, "privateKey");
    return withKeys(Map.of(Names.require("agent name", agentName), privateKey));
  }

  /**
   * Signs the spores of each agent with its own key (a process hosting several agents).
   *
   * @param privateKeys agent name to its Ed25519 private key; at least one
   * @throws IllegalArgumentException when an agent name is invalid or a key is not an Ed25519 key
   */
  public static SporeSigning withKeys(Map<String, ? extends PrivateKey> privateKeys) {
    Objects.requireNonNull(privateKeys, "privateKeys");
    if (privateKeys.isEmpty()) {
      throw new IllegalArgumentException("privateKeys is empty: name at least one agent to sign as");
    }
    privateKeys.forEach((agent, key) -> {
      Names.require("agent name", agent);
      Objects.requireNonNull(key, () -> "private key of agent '" + agent + "'");
      Ed25519.requireSigningKey(agent, key);
    });
    return new SporeSigning(Map.copyOf(privateKeys), null);
  }

  /** Verifies what arrives, signs nothing: for a process whose agents only receive. */
  public static SporeSigning verifyOnly(KeyRegistry registry) {
    return new SporeSigning(Map.of(), Objects.requireNonNull(registry, "registry"));
  }

  /** This policy, also verifying every spore that arrives against {@code registry}. */
  public SporeSigning verifyWith(KeyRegistry registry) {
    return new SporeSigning(privateKeys, Objects.requireNonNull(registry, "registry"));
  }

  /** A fresh Ed25519 key pair, e.g. for an agent's first run or for tests. */
  public static KeyPair generateKeyPair() {
    return Ed25519.generateKeyPair();
  }

  /** True when this policy signs the spores of some agents. */
  public boolean signs() {
    return !privateKeys.isEmpty();
  }

  /** True when this policy verifies every spore that arrives. */
  public boolean verifies() {
    return registry != null;
  }

  /** The agents whose spores this policy signs. */
  public Set<String> signingAgents() {
    return Set.copyOf(privateKeys.keySet());
  }

  /**
   * {@code spore} with a fresh signature by its {@code from_agent}'s key. A Reef built with this
   * policy signs every spore it sends; call it yourself only to sign a spore sent some other way.
   *
   * @throws IllegalArgumentException when this policy has no key for that agent
   */
  public Spore sign(Spore spore) {
    Objects.requireNonNull(spore, "spore");
    PrivateKey key = privateKeys.get(spore.fromAgent());
    if (key == null) {
      throw new IllegalArgumentException("cannot sign spore " + spore.id() + " from agent '" + spore.fromAgent()
          + "': this Reef holds signing keys for " + new TreeSet<>(privateKeys.keySet())
          + " only, and receivers that verify reject unsigned spores");
    }
    byte[] signature = Ed25519.sign(key, CanonicalForm.of(spore));
    ObjectNode metadata = spore.metadata().toObjectNode();
    metadata.put(METADATA_KEY, PREFIX + Base64.getEncoder().encodeToString(signature));
    return spore.toBuilder().metadata(metadata).build();
  }

  /**
   * Why {@code spore} must be rejected; empty when it is signed by the agent it names.
   *
   * @throws IllegalStateException when this policy verifies nothing ({@link #verifies()} is false)
   */
  public Optional<Rejection> check(Spore spore) {
    Objects.requireNonNull(spore, "spore");
    if (registry == null) {
      throw new IllegalStateException("this signing policy verifies nothing: build it with verifyWith(registry)");
    }
    return Optional.ofNullable(rejection(spore));
  }

  private Rejection rejection(Spore spore) {
    String agent = spore.fromAgent();
    SignatureField value = SignatureField.of(spore);
    if (value.absent()) {
      return new Rejection("unsigned", "spore " + spore.id() + " from agent '" + agent + "' is not signed (no metadata '"
          + METADATA_KEY + "'), and only signed spores are accepted");
    }
    byte[] signature = value.signature();
    if (signature == null) {
      return new Rejection("malformed_signature", "spore " + spore.id() + " from agent '" + agent
          + "' has a malformed signature: expected '" + PREFIX + "' and " + Ed25519.SIGNATURE_BYTES
          + " bytes in Base64");
    }
    PublicKey key;
    try {
      key = registry.publicKey(agent);
    } catch (RuntimeException e) {
      return new Rejection("registry_error", "the key registry failed to look up agent '" + agent + "' for spore "
          + spore.id() + ": " + e);
    }
    if (key == null) {
      return new Rejection("unknown_agent", "spore " + spore.id() + " claims to be from agent '" + agent
          + "', which has no public key in the key registry");
    }
    if (!Ed25519.verify(key, CanonicalForm.of(spore), signature)) {
      return new Rejection("bad_signature", "the signature of spore " + spore.id() + " does not match: it was not signed"
          + " by agent '" + agent + "', or was changed after signing");
    }
    return null;
  }

  /** A verified spore as its sender made it, without the signature. */
  public static Spore withoutSignature(Spore spore) {
    return spore.toBuilder().metadata(CanonicalForm.metadataWithoutSignature(spore)).build();
  }

  /**
   * Why a spore was rejected.
   *
   * @param kind a short tag ({@code unsigned}, {@code malformed_signature}, {@code unknown_agent},
   *     {@code bad_signature}, {@code registry_error}), for meters
   * @param reason the whole story, for dead letters and logs
   */
  public record Rejection(String kind, String reason) {}

  /** The signature field of a spore's metadata. */
  private record SignatureField(boolean absent, byte[] signature) {
    static SignatureField of(Spore spore) {
      if (!spore.metadata().has(METADATA_KEY)) {
        return new SignatureField(true, null);
      }
      String text = spore.metadata().getString(METADATA_KEY);
      if (text == null || !text.startsWith(PREFIX)) {
        return new SignatureField(false, null);
      }
      try {
        byte[] bytes = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        return new SignatureField(false, bytes.length == Ed25519.SIGNATURE_BYTES ? bytes : null);
      } catch (IllegalArgumentException e) {
        return new SignatureField(false, null);
      }
    }
  }

  @Override
  public String toString() {
    return "SporeSigning[signs as " + new TreeSet<>(privateKeys.keySet()) + ", "
        + (registry == null ? "verifies nothing" : "verifies with " + registry) + "]";
  }
}
