package dev.reef;

import dev.reef.spore.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How one agent instance consumes (SPEC §3.9, §3.10, §3.12). Immutable; made with {@link #builder()}.
 */
public final class SubscriptionOptions {

  /** Sequential, a pool of 1, prefetch 16, {@link RetryPolicy#DEFAULT}, a window of 10,000 ids. */
  public static final SubscriptionOptions DEFAULT = builder().build();

  private final Concurrency concurrency;
  private final int poolSize;
  private final int prefetch;
  private final RetryPolicy retry;
  private final Set<String> capabilities;
  private final int duplicateWindow;
  private final boolean virtualThreads;
  private final Duration handlerTimeout;
  private final Instant catchUpFrom;

  private SubscriptionOptions(Builder builder) {
    this.concurrency = Objects.requireNonNull(builder.concurrency, "concurrency");
    this.retry = Objects.requireNonNull(builder.retry, "retry");
    if (builder.poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, got " + builder.poolSize);
    }
    if (builder.prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1, got " + builder.prefetch);
    }
    if (builder.duplicateWindow < 0) {
      throw new IllegalArgumentException("duplicateWindow must not be negative, got " + builder.duplicateWindow);
    }
    this.poolSize = builder.poolSize;
    this.prefetch = builder.prefetch;
    this.duplicateWindow = builder.duplicateWindow;
    this.virtualThreads = builder.virtualThreads;
    if (builder.handlerTimeout != null && (builder.handlerTimeout.isZero() || builder.handlerTimeout.isNegative())) {
      throw new IllegalArgumentException("handlerTimeout must be positive, got " + builder.handlerTimeout);
    }
    this.handlerTimeout = builder.handlerTimeout;
    this.catchUpFrom = builder.catchUpFrom;
    builder.capabilities.forEach(capability -> Names.require("capability", capability));
    this.capabilities = Set.copyOf(builder.capabilities);
  }

  /** Sequential (one at a time, in order) or concurrent handling. */
  public Concurrency concurrency() {
    return concurrency;
  }

  /** Threads of the agent's Vert.x worker pool, shared by its instances on the channel in this Reef. */
  public int poolSize() {
    return poolSize;
  }

  /** The most unfinished spores the instance holds at once (flow control). */
  public int prefetch() {
    return prefetch;
  }

  /** How a failing handler is retried before dead-lettering. */
  public RetryPolicy retry() {
    return retry;
  }

  /** What the agent offers, for scatter-gather by capability. */
  public Set<String> capabilities() {
    return capabilities;
  }

  /**
   * How many recent spore ids per agent name are remembered, at least, to suppress duplicates (up to
   * twice as many are: the window forgets in generations of this size); 0: none.
   */
  public int duplicateWindow() {
    return duplicateWindow;
  }

  /**
   * True when handlers run on virtual threads (Java 21+, Vert.x's virtual-thread threading model):
   * a handler that blocks then holds no platform thread. The pool size does not apply; the prefetch
   * bounds how many run at once.
   */
  public boolean virtualThreads() {
    return virtualThreads;
  }

  /**
   * How long one handler run may take; empty (the default): as long as it takes. A run that takes
   * longer fails as if it had thrown: it is interrupted (an asynchronous result is cancelled), and
   * the spore is retried, then dead-lettered with the reason.
   */
  public Optional<Duration> handlerTimeout() {
    return Optional.ofNullable(handlerTimeout);
  }

  /**
   * When set, the instance first handles the spores of the channel's history meant for it (sent to
   * its agent name, or broadcast by another agent) stored from this instant on, then live spores; a
   * spore both in the history and in the agent's queue is handled once (SPEC §3.16). Live spores wait
   * in the queue meanwhile. The channel must keep its history.
   */
  public Optional<Instant> catchUpFrom() {
    return Optional.ofNullable(catchUpFrom);
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
    builder.virtualThreads = virtualThreads;
    builder.handlerTimeout = handlerTimeout;
    builder.catchUpFrom = catchUpFrom;
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
    private boolean virtualThreads;
    private Duration handlerTimeout;
    private Instant catchUpFrom;

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
      this.capabilities.addAll(java.util.Arrays.asList(capabilities));
      return this;
    }

    /** Recent ids remembered, at least, for duplicate suppression (see {@link SubscriptionOptions#duplicateWindow()}); 0 turns it off. */
    public Builder duplicateWindow(int duplicateWindow) {
      this.duplicateWindow = duplicateWindow;
      return this;
    }

    /**
     * Runs handlers on virtual threads. Needs Java 21 or later: on an older JVM the subscription
     * fails with a message saying so.
     */
    public Builder virtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
      return this;
    }

    /** Fails a handler run that takes longer than {@code timeout}; null: no limit (the default). */
    public Builder handlerTimeout(Duration timeout) {
      this.handlerTimeout = timeout;
      return this;
    }

    /** Catches up on the channel's history from {@code instant} before live spores; null: no catch-up (the default). */
    public Builder catchUpFrom(Instant instant) {
      this.catchUpFrom = instant;
      return this;
    }

    /** Builds and checks the options. */
    public SubscriptionOptions build() {
      return new SubscriptionOptions(this);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SubscriptionOptions that && concurrency == that.concurrency && poolSize == that.poolSize
        && prefetch == that.prefetch && retry.equals(that.retry) && capabilities.equals(that.capabilities)
        && duplicateWindow == that.duplicateWindow && virtualThreads == that.virtualThreads
        && Objects.equals(handlerTimeout, that.handlerTimeout) && Objects.equals(catchUpFrom, that.catchUpFrom);
  }

  @Override
  public int hashCode() {
    return Objects.hash(concurrency, poolSize, prefetch, retry, capabilities, duplicateWindow, virtualThreads,
        handlerTimeout, catchUpFrom);
  }

  @Override
  public String toString() {
    return "SubscriptionOptions[" + concurrency + ", pool " + poolSize + ", prefetch " + prefetch + ", " + retry
        + ", capabilities " + capabilities + ", duplicate window " + duplicateWindow
        + (virtualThreads ? ", virtual threads" : "")
        + (handlerTimeout != null ? ", handler timeout " + handlerTimeout : "")
        + (catchUpFrom != null ? ", catch up from " + catchUpFrom : "") + "]";
  }
}
