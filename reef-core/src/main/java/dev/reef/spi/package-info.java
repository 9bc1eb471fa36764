/**
 * The backend SPI: what a transport (in-memory, AMQP) implements so that {@link dev.reef.Reef} can
 * run every rule of SPEC §3 on it.
 *
 * <p>Division of labour: the backend moves spores (routing, queues per channel and agent name,
 * round-robin, priority, prefetch, offline buffering, unknown destinations, retry delays, dead
 * letters, reply addresses). {@link dev.reef.Reef} does everything that must be the same on every
 * backend: validation, authorization, expiry and duplicate checks, running handlers on Vert.x
 * worker pools, acknowledging after the handler, retry decisions, request correlation and timeouts,
 * metrics.
 */
package dev.reef.spi;
