/**
 * The RabbitMQ backend (SPEC §4, §5): {@link dev.reef.amqp.AmqpBackend}, chosen by an {@code amqp://}
 * or {@code amqps://} URI through {@link dev.reef.amqp.AmqpBackendProvider}, or built with {@link
 * dev.reef.amqp.AmqpBackend#builder()} and the settings of {@link dev.reef.amqp.AmqpOption}.
 *
 * <p>The public types are the facade, its settings ({@link dev.reef.amqp.AmqpOption}, {@link
 * dev.reef.amqp.AmqpOptions}, {@link dev.reef.amqp.QueueType}) and the provider; everything else here
 * is package-private implementation: the connector, the confirming publisher and its ledger, the
 * topology, the wire codec, consumers, reply queues, observers, presence links and dead letters.
 *
 * <p>What the backend checks on a broker shared with code it does not trust (reply addresses, sealed
 * dead letters, attempts and deliveries believed only from its own broker user, nothing declared by
 * sends or readers) and the broker permissions it relies on are written down in {@code
 * docs/security.md}.
 */
package dev.reef.amqp;
