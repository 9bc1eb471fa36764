package dev.reef.test;

/** The backends a {@link ReefTest} can run on. */
public enum TestBackend {
  /** A private in-memory broker per test: no set-up, no network. */
  IN_MEMORY,
  /** A RabbitMQ broker (see {@link TestBrokers#amqpUri()}), a random namespace per test, deleted after it. */
  AMQP
}
