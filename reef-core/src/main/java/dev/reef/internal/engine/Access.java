package dev.reef.internal.engine;

import dev.reef.AccessDeniedException;
import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.Authorizer;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.spore.Spore;

/** Puts every action to the {@link Authorizer}; a refusal is counted and thrown. */
final class Access {
  private final Authorizer authorizer;
  private final ReefMetrics metrics;

  Access(Authorizer authorizer, ReefMetrics metrics) {
    this.authorizer = authorizer;
    this.metrics = metrics;
  }

  /** Asks about a spore to be sent. */
  void check(Action action, String channel, Spore spore) {
    check(new AccessRequest(action, channel, spore.fromAgent(), spore.toAgent(), spore));
  }

  /**
   * Asks about {@code request}.
   *
   * @throws AccessDeniedException with the authorizer's reason when refused
   */
  void check(AccessRequest request) {
    String refusal;
    try {
      refusal = authorizer.refusal(request);
    } catch (RuntimeException e) {
      // An authorizer that fails denies: failing open would let a broken policy allow everything.
      refusal = "the authorizer failed: " + e;
    }
    if (refusal != null) {
      metrics.refused(request.action(), request.channel(), request.agent());
      throw new AccessDeniedException(request, refusal);
    }
  }
}
