package dev.reef.internal.history;

import dev.reef.Action;
import dev.reef.ChannelHistory;
import dev.reef.HistoryCursor;
import dev.reef.HistoryEntry;
import dev.reef.HistoryQuery;
import dev.reef.HistoryRead;
import dev.reef.HistoryRetention;
import dev.reef.Observation;
import dev.reef.spi.HistoryLog;
import dev.reef.spore.Names;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** A {@link ChannelHistory}: checks and authorizes each call, then reads the backend's {@link HistoryLog}. */
public final class ChannelHistoryImpl implements ChannelHistory {
  /** How long a read waits for the backend to send the next entry before it fails. */
  static final Duration IDLE = Duration.ofSeconds(30);

  private final HistoryLog log;
  private final HistoryGuard guard;
  private final HistoryMeters meters;

  public ChannelHistoryImpl(HistoryLog log, HistoryGuard guard, HistoryMeters meters) {
    this.log = log;
    this.guard = guard;
    this.meters = meters;
  }

  @Override
  public String channel() {
    return log.channel();
  }

  @Override
  public void keep(HistoryRetention retention) {
    Objects.requireNonNull(retention, "retention");
    guard.check(Action.HISTORY_KEEP, channel());
    log.keep(retention);
    meters.watch(log, retention);
  }

  @Override
  public boolean isKept() {
    guard.check(Action.HISTORY_READ, channel());
    return log.isKept();
  }

  @Override
  public HistoryRead read(HistoryQuery query) {
    Objects.requireNonNull(query, "query");
    ensureKept();
    return BoundedRead.read(log, query, IDLE);
  }

  @Override
  public Observation follow(HistoryQuery query, Consumer<HistoryEntry> consumer) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(consumer, "consumer");
    ensureKept();
    HistoryFilter filter = new HistoryFilter(query);
    return new FollowFeed(channel(), entry -> filter.test(entry.spore()), consumer, query.limit().orElse(0),
        offset -> { }, () -> { }).start(log, query.start());
  }

  @Override
  public HistoryCursor cursor(String name) {
    Names.require("cursor name", name);
    ensureKept();
    Cursor cursor = new Cursor(name, log, guard, IDLE);
    meters.watch(channel(), cursor);
    return cursor;
  }

  @Override
  public List<HistoryEntry> causes(String sporeId) {
    requireId(sporeId);
    ensureKept();
    return CausalWalk.causes(log, sporeId, IDLE);
  }

  @Override
  public List<HistoryEntry> effects(String sporeId) {
    requireId(sporeId);
    ensureKept();
    return CausalWalk.effects(log, sporeId, IDLE);
  }

  private void ensureKept() {
    guard.check(Action.HISTORY_READ, channel());
    if (!log.isKept()) {
      throw new IllegalStateException("channel '" + channel() + "' keeps no history: turn it on with "
          + "channel.history().keep(retention) (or `reef history CHANNEL --keep ...`)");
    }
    meters.watch(log, null);
  }

  private static void requireId(String sporeId) {
    Objects.requireNonNull(sporeId, "sporeId");
    if (sporeId.isBlank()) {
      throw new IllegalArgumentException("a spore id must not be blank");
    }
  }

  @Override
  public String toString() {
    return "ChannelHistory[" + channel() + "]";
  }
}
