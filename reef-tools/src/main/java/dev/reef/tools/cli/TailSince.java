package dev.reef.tools.cli;

import dev.reef.Channel;
import dev.reef.ChannelHistory;
import dev.reef.HistoryQuery;
import dev.reef.Observation;
import dev.reef.SporeObserver;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.ParameterException;

/** {@code reef tail --since}: a channel followed through its history, from DURATION ago, then live. */
final class TailSince {
  private TailSince() {}

  static Observation follow(Channel channel, Duration since, SporeObserver printer,
      Function<String, ParameterException> usage) {
    ChannelHistory history = channel.history();
    if (!history.isKept()) {
      throw usage.apply("channel '" + channel.name() + "' keeps no history, which --since reads: turn it on with "
          + "`reef history " + channel.name() + " --keep MAX_AGE`, or tail without --since");
    }
    return history.follow(HistoryQuery.builder().since(since).build(),
        entry -> printer.observe(channel.name(), entry.spore()));
  }
}
