package dev.reef;

import java.util.List;
import java.util.function.Consumer;

/**
 * The history of one channel (SPEC §3.16): every spore published on it while history is kept,
 * replies included, in publish order, whether or not anyone handled it. Opt-in per channel with a
 * {@link HistoryRetention}; on AMQP a RabbitMQ stream {@code ns.CHANNEL.history} (replicated in a
 * cluster, it survives restarts), in memory a bounded log in the broker.
 *
 * <p>Reading asks the {@link Authorizer} for {@link Action#HISTORY_READ}; {@link #keep} for {@link
 * Action#HISTORY_KEEP}.
 *
 * <pre>{@code
 * ChannelHistory history = reef.channel("orders").history();
 * history.keep(HistoryRetention.maxAge(Duration.ofDays(7)));
 * HistoryRead lastHour = history.read(HistoryQuery.builder().since(Duration.ofHours(1)).agent("planner").build());
 * lastHour.note().ifPresent(System.out::println); // said when retention removed part of the hour
 * }</pre>
 */
public interface ChannelHistory {

  /** The channel. */
  String channel();

  /**
   * Keeps the channel's history from now on, with {@code retention}; idempotent. Keeping it again with
   * another retention changes the retention where the backend can (AMQP: a stream's retention is
   * fixed when it is made; the first one stays, and a different one is refused).
   */
  void keep(HistoryRetention retention);

  /** True when the channel keeps its history (asked of the backend: any Reef may have turned it on). */
  boolean isKept();

  /**
   * Reads the history from the query's start up to its end as it is when the read begins, filtered,
   * and up to the query's limit. Says when the start lies before the first entry still kept.
   *
   * @throws IllegalStateException when the channel keeps no history
   */
  HistoryRead read(HistoryQuery query);

  /**
   * Hands every entry from the query's start that matches it to {@code consumer}, then each new one as
   * it is published, in order, on a thread of the follow's own. Close the result to stop. The query's
   * limit, when set, ends the follow after that many entries.
   *
   * @throws IllegalStateException when the channel keeps no history
   */
  Observation follow(HistoryQuery query, Consumer<HistoryEntry> consumer);

  /** The named cursor {@code name} (1-128 characters of {@code A-Z a-z 0-9 _ -}). */
  HistoryCursor cursor(String name);

  /**
   * What caused the spore {@code sporeId}: its cause (the spore whose handler sent it), that one's
   * cause, and so on up to a spore that no handler sent; nearest first. Causes not in this channel's
   * history (removed, or on another channel) end the chain.
   *
   * @throws IllegalArgumentException when the spore is not in the history
   */
  List<HistoryEntry> causes(String sporeId);

  /**
   * What the spore {@code sporeId} caused: every spore sent while handling it, and while handling
   * those, and so on, in publish order. Each entry's {@code causedBy} says where it hangs in the tree.
   *
   * @throws IllegalArgumentException when the spore is not in the history
   */
  List<HistoryEntry> effects(String sporeId);
}
