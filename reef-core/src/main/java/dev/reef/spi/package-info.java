/**
 * The backend SPI: what a transport (in-memory, AMQP) implements so that the engine can run every
 * rule of SPEC §3 on it. Applications never call it; they pass a backend to {@code
 * Reef.builder().backend(...)} or name it by URI. See {@link dev.reef.spi.ReefBackend} for who does
 * what.
 */
package dev.reef.spi;
