package dev.reef.bench;

/** One contender: delivers messages from a sending thread to one handler and times it. */
interface Side extends AutoCloseable {

  /** A short name for the report. */
  String name();

  /**
   * Sends {@code messages} messages from the calling thread and waits until the handler has seen
   * them all.
   *
   * @return nanoseconds from the first send until the handler saw the last message
   * @throws Exception when a message could not be sent, or the handler did not see them all in time
   */
  long deliver(int messages) throws Exception;

  @Override
  void close();
}
