package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.ChannelHistory;
import dev.reef.internal.history.ChannelHistoryImpl;
import dev.reef.internal.history.HistoryGuard;
import dev.reef.internal.history.HistoryMeters;
import dev.reef.spi.ReefBackend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link ChannelHistory} of each channel of one Reef, made on first use. */
final class Histories {
  private final ReefBackend backend;
  private final HistoryGuard guard;
  private final HistoryMeters meters;
  private final Map<String, ChannelHistory> byChannel = new ConcurrentHashMap<>();

  Histories(ReefBackend backend, Lifecycle lifecycle, Access access, HistoryMeters meters) {
    this.backend = backend;
    this.meters = meters;
    this.guard = (action, channel) -> {
      lifecycle.ensureOpen();
      access.check(AccessRequest.operator(action, channel));
    };
  }

  ChannelHistory of(String channel) {
    return byChannel.computeIfAbsent(channel, c -> new ChannelHistoryImpl(backend.history(c), guard, meters));
  }

  /** The backend's log of {@code channel}, for an agent that catches up on it. */
  dev.reef.spi.HistoryLog log(String channel) {
    return backend.history(channel);
  }
}
