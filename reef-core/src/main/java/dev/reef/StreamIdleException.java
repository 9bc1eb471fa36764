package dev.reef;

import java.time.Duration;

/** A streamed request went longer than its idle timeout without a part or the final reply. */
public final class StreamIdleException extends ReefException {
  private final String requestId;

  /** Creates the exception for the request {@code requestId} to {@code agent}, after {@code parts} parts. */
  public StreamIdleException(String requestId, String agent, long parts, Duration idleTimeout) {
    super("the stream from '" + agent + "' answering request " + requestId + " was idle for "
        + idleTimeout.toMillis() + " ms after " + parts + " part(s)");
    this.requestId = requestId;
  }

  /** The id of the request whose stream went idle. */
  public String requestId() {
    return requestId;
  }
}
