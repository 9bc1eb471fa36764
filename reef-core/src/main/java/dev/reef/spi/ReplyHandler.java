package dev.reef.spi;

import dev.reef.spore.Spore;

/** Receives responses sent to a {@link ReplyEndpoint}. Runs on a backend thread; must not block. */
@FunctionalInterface
public interface ReplyHandler {

  /** Takes one response. */
  void onReply(Spore reply);
}
