package dev.reef.security;

import java.security.PublicKey;
import java.util.Map;
import java.util.Objects;

/**
 * Who may send as which agent: the Ed25519 public key of each agent name whose spores are accepted
 * when {@link SporeSigning} verifies. A spore from an agent the registry does not know is rejected.
 *
 * <p>Implementations are called on backend threads for every spore received, so they must be
 * thread-safe and quick (a map lookup, not a remote call).
 */
@FunctionalInterface
public interface KeyRegistry {

  /** The public key of {@code agentName}, or null when this registry does not know the agent. */
  PublicKey publicKey(String agentName);

  /**
   * A fixed registry.
   *
   * @param keysByAgent agent name to its Ed25519 public key
   * @throws IllegalArgumentException when a key is not an Ed25519 key, naming its agent
   */
  static KeyRegistry of(Map<String, ? extends PublicKey> keysByAgent) {
    Objects.requireNonNull(keysByAgent, "keysByAgent");
    keysByAgent.forEach((agent, key) -> {
      dev.reef.spore.Names.require("agent name", agent);
      Objects.requireNonNull(key, () -> "public key of agent '" + agent + "'");
      Ed25519.requireVerifyingKey(agent, key);
    });
    Map<String, PublicKey> keys = Map.copyOf(keysByAgent);
    return new KeyRegistry() {
      @Override
      public PublicKey publicKey(String agentName) {
        return agentName == null ? null : keys.get(agentName);
      }

      @Override
      public String toString() {
        return "KeyRegistry" + new java.util.TreeSet<>(keys.keySet());
      }
    };
  }
}
