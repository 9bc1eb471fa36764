package dev.reef.spi;

import dev.reef.spore.Spore;
import java.util.Optional;

/** Receives responses sent to a {@link ReplyEndpoint}. Runs on a backend thread; must not block. */
@FunctionalInterface
public interface ReplyHandler {

  /**
   * Takes one response.
   *
   * @param verifiedUserId the user the transport authenticated as its publisher, as {@link
   *     Delivery#verifiedUserId()}
   */
  void onReply(Spore reply, Optional<String> verifiedUserId);

  /**
   * The endpoint is back, under the same address, after its transport was lost (a connection
   * recovery): replies sent to it meanwhile may have been lost. Backends whose endpoints cannot be
   * lost never call it.
   */
  default void onReopened() {}
}
