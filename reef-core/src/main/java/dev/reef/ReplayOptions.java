package dev.reef;

/**
 * How a dead letter is replayed. Immutable: each setter returns new options.
 *
 * <p>{@code refreshExpiry}: an expired spore is given a new expiry (now plus its original time to
 * live) instead of being refused. A signed spore cannot be refreshed (its signature covers the
 * expiry) and is refused anyway.
 *
 * <p>{@code force}: a dead letter whose {@linkplain DeadLetter#integrity() integrity} is not verified
 * (anyone with access to the broker may have written it) is replayed anyway, as the operator's own
 * send; every other check still runs, the authorizer's included.
 */
public final class ReplayOptions {
  /** Refuse what cannot succeed or cannot be verified; refresh nothing. */
  public static final ReplayOptions DEFAULT = new ReplayOptions(false, false);

  private final boolean refreshExpiry;
  private final boolean force;

  private ReplayOptions(boolean refreshExpiry, boolean force) {
    this.refreshExpiry = refreshExpiry;
    this.force = force;
  }

  /** These options, refreshing expired spores when {@code refresh}. */
  public ReplayOptions refreshExpiry(boolean refresh) {
    return new ReplayOptions(refresh, force);
  }

  /** True when expired spores are given a new expiry. */
  public boolean refreshExpiry() {
    return refreshExpiry;
  }

  /** These options, replaying dead letters whose integrity is not verified when {@code force}. */
  public ReplayOptions force(boolean force) {
    return new ReplayOptions(refreshExpiry, force);
  }

  /** True when dead letters whose integrity is not verified are replayed anyway. */
  public boolean force() {
    return force;
  }

  @Override
  public String toString() {
    return "ReplayOptions[refreshExpiry=" + refreshExpiry + ", force=" + force + "]";
  }
}
