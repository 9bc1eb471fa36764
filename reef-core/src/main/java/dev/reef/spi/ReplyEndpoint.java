package dev.reef.spi;

/** A connection's private reply address, opened by {@link ReefBackend#openReplyEndpoint}. */
public interface ReplyEndpoint extends AutoCloseable {

  /** The address requesters put in their requests. */
  String address();

  /** Stops receiving replies. */
  @Override
  void close();
}
