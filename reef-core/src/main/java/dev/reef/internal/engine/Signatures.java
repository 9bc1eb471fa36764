package dev.reef.internal.engine;

import dev.reef.ReefException;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.security.SporeSigning;
import dev.reef.spore.Spore;
import java.util.Optional;

/**
 * A Reef's {@link SporeSigning} policy applied at its edges: the outbox signs what leaves, deliveries
 * and replies are checked as they arrive, before any worker, duplicate-window slot or retry is spent
 * on them. Without a policy, both are no-ops.
 */
final class Signatures {
  private final SporeSigning signing; // null: neither signs nor verifies
  private final ReefMetrics metrics;

  Signatures(Optional<SporeSigning> signing, ReefMetrics metrics) {
    this.signing = signing.orElse(null);
    this.metrics = metrics;
  }

  /**
   * {@code spore} signed by its sender's key, when this Reef signs.
   *
   * @throws ReefException when this Reef holds no key for the sender: no verifying receiver would take it
   */
  Spore sign(Spore spore) {
    if (signing == null || !signing.signs()) {
      return spore;
    }
    try {
      return signing.sign(spore);
    } catch (IllegalArgumentException e) {
      throw new ReefException(e.getMessage(), e);
    }
  }

  /** True when arriving spores must be checked. */
  boolean verifies() {
    return signing != null && signing.verifies();
  }

  /**
   * Checks an arriving spore: the spore as its sender made it (signature removed), or empty when it
   * must be rejected, which is then counted under {@code channel} and {@code agent}.
   */
  Verdict check(Spore spore, String channel, String agent) {
    Optional<SporeSigning.Rejection> rejection = signing.check(spore);
    if (rejection.isPresent()) {
      metrics.rejected(channel, agent, rejection.get().kind());
      return new Verdict(null, rejection.get().reason());
    }
    return new Verdict(SporeSigning.withoutSignature(spore), null);
  }

  /** What {@link #check} found: the verified spore, or why it was rejected. */
  record Verdict(Spore spore, String rejection) {
    boolean accepted() {
      return spore != null;
    }
  }
}
