package dev.reef;

/**
 * A connection to a broker, made by a backend module (e.g. {@code AmqpBackend.builder().build()} or
 * {@code InMemoryBroker.connect(namespace)}) and handed to {@link Reef.Builder#backend}. Its
 * operations are the backend SPI's ({@code dev.reef.spi.ReefBackend}); applications only pass it on.
 */
public interface Backend extends AutoCloseable {

  /** Closes the connection. The Reef it was given to closes it itself. */
  @Override
  void close();
}
