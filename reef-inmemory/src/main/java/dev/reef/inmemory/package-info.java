/**
 * The in-memory backend: a broker in the JVM that behaves as Reef's RabbitMQ backend does (queues per
 * channel and agent name, round-robin, priority, prefetch, offline buffering, length limits, retry
 * delays, dead letters, reply addresses), so that tests run on it what production runs on RabbitMQ.
 *
 * <p>Public API: {@link dev.reef.inmemory.InMemoryBroker} and {@link
 * dev.reef.inmemory.InMemoryBackendProvider} (URIs {@code memory:} and {@code memory://NAME}).
 */
package dev.reef.inmemory;
