package dev.reef.amqp;

/** Something a backend opens on its consuming connection and closes with it: a reply queue, an observer, a presence link. */
interface Endpoint extends AutoCloseable {

  /** True once closed, by its user or by the backend. */
  boolean isClosed();

  /** Closes it; idempotent, never throws. */
  @Override
  void close();
}
