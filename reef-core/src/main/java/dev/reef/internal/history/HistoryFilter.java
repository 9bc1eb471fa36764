package dev.reef.internal.history;

import dev.reef.HistoryQuery;
import dev.reef.internal.trace.TraceContext;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.util.function.Predicate;

/** The filters of a {@link HistoryQuery} as one test of a spore; every filter set must match. */
public final class HistoryFilter implements Predicate<Spore> {
  private final String agent;
  private final SporeType type;
  private final String traceId;
  private final String causedBy;

  /** The filter of {@code query}. */
  public HistoryFilter(HistoryQuery query) {
    this.agent = query.agent().orElse(null);
    this.type = query.type().orElse(null);
    this.traceId = query.traceId().orElse(null);
    this.causedBy = query.causedBy().orElse(null);
  }

  @Override
  public boolean test(Spore spore) {
    if (agent != null && !agent.equals(spore.fromAgent()) && !agent.equals(spore.toAgent())) {
      return false;
    }
    if (type != null && spore.type() != type) {
      return false;
    }
    if (causedBy != null && !causedBy.equals(spore.causedBy())) {
      return false;
    }
    return traceId == null || traceId.equals(TraceContext.of(spore).traceId());
  }
}
