/**
 * Causation and W3C trace context of spores (SPEC §3.15, §7): what every spore sent while handling
 * another carries. A leaf of the engine: it knows spores and nothing else of Reef.
 */
package dev.reef.internal.trace;
