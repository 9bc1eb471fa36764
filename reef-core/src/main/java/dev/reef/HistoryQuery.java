package dev.reef;

import dev.reef.spore.Names;
import dev.reef.spore.SporeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What to read from a channel's history: where to begin ({@link HistoryStart}), which spores
 * (filters that must all match) and how many at most. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * HistoryQuery query = HistoryQuery.builder().since(Duration.ofMinutes(10)).agent("planner").limit(100).build();
 * }</pre>
 */
public final class HistoryQuery {
  private static final HistoryQuery ALL = builder().build();

  private final HistoryStart start;
  private final String agent;
  private final SporeType type;
  private final String traceId;
  private final String causedBy;
  private final int limit;

  private HistoryQuery(Builder builder) {
    this.start = builder.start;
    this.agent = builder.agent;
    this.type = builder.type;
    this.traceId = builder.traceId;
    this.causedBy = builder.causedBy;
    this.limit = builder.limit;
  }

  /** Everything kept, from the first entry, unfiltered. */
  public static HistoryQuery all() {
    return ALL;
  }

  /** A builder: from the first entry kept, no filter, no limit. */
  public static Builder builder() {
    return new Builder();
  }

  /** Where the read begins. */
  public HistoryStart start() {
    return start;
  }

  /** Only spores this agent sent or that were sent to it. */
  public Optional<String> agent() {
    return Optional.ofNullable(agent);
  }

  /** Only spores of this type. */
  public Optional<SporeType> type() {
    return Optional.ofNullable(type);
  }

  /** Only spores of this trace (32 hex digits, SPEC §7). */
  public Optional<String> traceId() {
    return Optional.ofNullable(traceId);
  }

  /** Only spores sent while handling this spore id (SPEC §3.15). */
  public Optional<String> causedBy() {
    return Optional.ofNullable(causedBy);
  }

  /** The most entries a read returns; empty: no limit. */
  public OptionalInt limit() {
    return limit == 0 ? OptionalInt.empty() : OptionalInt.of(limit);
  }

  /** True when any filter is set. */
  public boolean filtered() {
    return agent != null || type != null || traceId != null || causedBy != null;
  }

  /** A builder starting from this query. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.start = start;
    builder.agent = agent;
    builder.type = type;
    builder.traceId = traceId;
    builder.causedBy = causedBy;
    builder.limit = limit;
    return builder;
  }

  /** Builds a {@link HistoryQuery}; every setter checks its argument. */
  public static final class Builder {
    private HistoryStart start = HistoryStart.first();
    private String agent;
    private SporeType type;
    private String traceId;
    private String causedBy;
    private int limit;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Where to begin. */
    public Builder start(HistoryStart start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /** From the first entry kept (the default). */
    public Builder fromStart() {
      return start(HistoryStart.first());
    }

    /** From {@code offset}. */
    public Builder fromOffset(long offset) {
      return start(HistoryStart.offset(offset));
    }

    /** From the first entry stored at or after {@code instant}. */
    public Builder from(Instant instant) {
      return start(HistoryStart.instant(instant));
    }

    /** From {@code age} ago (e.g. 10 minutes). */
    public Builder since(Duration age) {
      Objects.requireNonNull(age, "age");
      if (age.isNegative()) {
        throw new IllegalArgumentException("since needs a positive age, got " + age);
      }
      return start(HistoryStart.instant(clock.instant().minus(age)));
    }

    /** Only what is published from now on (for a follow). */
    public Builder fromNow() {
      return start(HistoryStart.next());
    }

    /** Only spores {@code agent} sent or that were sent to it (broadcasts it sent included). */
    public Builder agent(String agent) {
      this.agent = Names.require("agent name", agent);
      return this;
    }

    /** Only spores of {@code type}. */
    public Builder type(SporeType type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /** Only spores of the trace {@code traceId} (32 hex digits). */
    public Builder traceId(String traceId) {
      Objects.requireNonNull(traceId, "traceId");
      if (!traceId.matches("[0-9a-fA-F]{32}")) {
        throw new IllegalArgumentException("a trace id is 32 hex digits, got '" + traceId + "'");
      }
      this.traceId = traceId.toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /** Only spores sent while handling the spore {@code sporeId}. */
    public Builder causedBy(String sporeId) {
      Objects.requireNonNull(sporeId, "causedBy");
      if (sporeId.isBlank()) {
        throw new IllegalArgumentException("causedBy needs a spore id, got a blank string");
      }
      this.causedBy = sporeId;
      return this;
    }

    /** At most {@code limit} entries (at least 1). */
    public Builder limit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, got " + limit);
      }
      this.limit = limit;
      return this;
    }

    /** The clock {@link #since} counts back from (for tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the query. */
    public HistoryQuery build() {
      return new HistoryQuery(this);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HistoryQuery that && start.equals(that.start) && Objects.equals(agent, that.agent)
        && type == that.type && Objects.equals(traceId, that.traceId) && Objects.equals(causedBy, that.causedBy)
        && limit == that.limit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, agent, type, traceId, causedBy, limit);
  }

  @Override
  public String toString() {
    return "HistoryQuery[from " + start + (agent != null ? ", agent " + agent : "")
        + (type != null ? ", type " + type.wireValue() : "") + (traceId != null ? ", trace " + traceId : "")
        + (causedBy != null ? ", caused by " + causedBy : "") + (limit > 0 ? ", limit " + limit : "") + "]";
  }
}
