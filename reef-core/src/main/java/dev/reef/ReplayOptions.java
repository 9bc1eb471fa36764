package dev.reef;

/**
 * How a dead letter is replayed. Immutable: each setter returns new options.
 *
 * <p>{@code refreshExpiry}: an expired spore is given a new expiry (now plus its original time to
 * live) instead of being refused. A signed spore cannot be refreshed (its signature covers the
 * expiry) and is refused anyway.
 */
public final class ReplayOptions {
  /** Refuse what cannot succeed; refresh nothing. */
  public static final ReplayOptions DEFAULT = new ReplayOptions(false);

  private final boolean refreshExpiry;

  private ReplayOptions(boolean refreshExpiry) {
    this.refreshExpiry = refreshExpiry;
  }

  /** These options, refreshing expired spores when {@code refresh}. */
  public ReplayOptions refreshExpiry(boolean refresh) {
    return new ReplayOptions(refresh);
  }

  /** True when expired spores are given a new expiry. */
  public boolean refreshExpiry() {
    return refreshExpiry;
  }

  @Override
  public String toString() {
    return "ReplayOptions[refreshExpiry=" + refreshExpiry + "]";
  }
}
