package dev.reef;

import java.time.Duration;

/** A handler run took longer than its agent's {@link SubscriptionOptions#handlerTimeout()}. */
public final class HandlerTimeoutException extends ReefException {

  /** Creates the exception for {@code agent}'s run on spore {@code sporeId}. */
  public HandlerTimeoutException(String agent, String sporeId, Duration timeout) {
    super("the handler of agent '" + agent + "' took longer than " + timeout.toMillis() + " ms on spore " + sporeId);
  }
}
