package dev.reef.internal.trace;

import dev.reef.spore.Spore;
import io.micrometer.observation.Observation;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Why a spore is sent: the spore being handled when it was (SPEC §3.15), and that spore's trace
 * (SPEC §7). Every spore sent while handling another carries {@code caused_by} = the handled
 * spore's id and a {@code traceparent} in its trace.
 *
 * <p>A handler's context stamps its sends explicitly; sends made through a channel on the handler's
 * thread find the cause as the thread's {@linkplain #current() current} one.
 *
 * @param sporeId the id of the spore being handled
 * @param trace its trace
 * @param observation the observation of the handler run, or null when nothing is observed: what a
 *     send's observation is the child of, even from an asynchronous continuation
 */
public record Cause(String sporeId, TraceContext trace, Observation observation) {
  private static final ThreadLocal<Cause> CURRENT = new ThreadLocal<>();

  /** Checks the fields. */
  public Cause {
    Objects.requireNonNull(sporeId, "sporeId");
    Objects.requireNonNull(trace, "trace");
  }

  /** The cause a handler of {@code spore} gives what it sends. */
  public static Cause of(Spore spore) {
    return new Cause(spore.id(), TraceContext.of(spore), null);
  }

  /** The cause a handler of {@code spore}, observed by {@code observation}, gives what it sends. */
  public static Cause of(Spore spore, Observation observation) {
    return new Cause(spore.id(), TraceContext.of(spore), observation);
  }

  /** The cause of the handler running on this thread, or null. */
  public static Cause current() {
    return CURRENT.get();
  }

  /** Calls {@code body} with this as the thread's current cause. */
  public <T> T callWithin(Callable<T> body) throws Exception {
    Cause previous = CURRENT.get();
    CURRENT.set(this);
    try {
      return body.call();
    } finally {
      CURRENT.set(previous); // not remove(): the thread's next handler reuses the entry instead of making one
    }
  }

  /**
   * {@code spore} marked as caused by this: {@code caused_by} set (unless it names a cause already)
   * and a {@code traceparent} in this trace (unless it carries a trace already).
   */
  public Spore stamp(Spore spore) {
    boolean traced = spore.metadata().has(TraceContext.KEY);
    boolean caused = spore.causedBy() != null;
    if (traced && caused) {
      return spore;
    }
    Spore.Builder builder = spore.toBuilder();
    if (!caused) {
      builder.causedBy(sporeId);
    }
    if (!traced) {
      builder.metadata(TraceContext.KEY, trace.childTraceparent());
    }
    return builder.build();
  }
}
