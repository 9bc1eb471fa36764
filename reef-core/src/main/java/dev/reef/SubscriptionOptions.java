package dev.reef;

import dev.reef.spore.Names;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How one agent instance consumes (SPEC §3.9, §3.10, §3.12).
 *
 * @param concurrency sequential (one at a time, in order) or concurrent handling
 * @param poolSize threads of the agent's Vert.x worker pool, shared by its instances in this JVM
 * @param prefetch the most unfinished spores the instance holds at once (flow control)
 * @param retry how a failing handler is retried before dead-lettering
 * @param capabilities what the agent offers, for scatter-gather by capability
 * @param duplicateWindow how many recent spore ids per agent name are remembered to suppress
 *     duplicates
 */
public record SubscriptionOptions(
    Concurrency concurrency,
    int poolSize,
    int prefetch,
    RetryPolicy retry,
    Set<String> capabilities,
    int duplicateWindow) {

  /** Sequential, a pool of 1, prefetch 16, {@link RetryPolicy#DEFAULT}, a window of 10,000 ids. */
  public static final SubscriptionOptions DEFAULT = builder().build();

  /** Checks the fields. */
  public SubscriptionOptions {
    Objects.requireNonNull(concurrency, "concurrency");
    Objects.requireNonNull(retry, "retry");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
    }
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
    }
    if (duplicateWindow < 0) {
      throw new IllegalArgumentException("duplicateWindow must not be negative, got " + duplicateWindow);
    }
    capabilities = Set.copyOf(capabilities);
    capabilities.forEach(capability -> Names.require("capability", capability));
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.concurrency = concurrency;
    builder.poolSize = poolSize;
    builder.prefetch = prefetch;
    builder.retry = retry;
    builder.capabilities = new LinkedHashSet<>(capabilities);
    builder.duplicateWindow = duplicateWindow;
    return builder;
  }

  /** Builds {@link SubscriptionOptions}. */
  public static final class Builder {
    private Concurrency concurrency = Concurrency.SEQUENTIAL;
    private int poolSize = 1;
    private int prefetch = 16;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Set<String> capabilities = new LinkedHashSet<>();
    private int duplicateWindow = 10_000;

    private Builder() {}

    /** One at a time in order (the default), or concurrently. */
    public Builder concurrency(Concurrency concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /** Concurrent handling on a pool of {@code poolSize} worker threads. */
    public Builder concurrent(int poolSize) {
      this.concurrency = Concurrency.CONCURRENT;
      this.poolSize = poolSize;
      return this;
    }

    /** Worker threads in the agent's pool. */
    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    /** The most unfinished spores held at once. */
    public Builder prefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /** The retry policy. */
    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    /** Adds capabilities the agent offers. */
    public Builder capabilities(String... capabilities) {
      this.capabilities.addAll(Set.of(capabilities));
      return this;
    }

    /** Recent ids remembered for duplicate suppression; 0 turns it off. */
    public Builder duplicateWindow(int duplicateWindow) {
      this.duplicateWindow = duplicateWindow;
      return this;
    }

    /** Builds and checks the options. */
    public SubscriptionOptions build() {
      return new SubscriptionOptions(concurrency, poolSize, prefetch, retry, capabilities, duplicateWindow);
    }
  }
}
