package dev.reef;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** No reply came in time; the request's future fails with this (never completes with null). */
public final class RequestTimeoutException extends TimeoutException {
  private final String requestId;

  /** Creates the exception for the request {@code requestId} sent to {@code agent}. */
  public RequestTimeoutException(String requestId, String agent, Duration timeout) {
    super("no reply from '" + agent + "' to request " + requestId + " within " + timeout.toMillis() + " ms");
    this.requestId = requestId;
  }

  /** The id of the request that went unanswered. */
  public String requestId() {
    return requestId;
  }
}
