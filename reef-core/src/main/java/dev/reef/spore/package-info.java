/**
 * The spore, Reef's message (SPEC §2), and its parts: {@link dev.reef.spore.Spore}, {@link
 * dev.reef.spore.SporeType}, the immutable JSON object {@link dev.reef.spore.JsonDocument}, the one
 * mapper of records and beans {@link dev.reef.spore.JsonMapping}, the wire forms ({@link
 * dev.reef.spore.SporeJson}, {@link dev.reef.spore.Timestamps}) and the naming rule ({@link
 * dev.reef.spore.Names}). Values only: this package depends on nothing else of Reef.
 */
package dev.reef.spore;
