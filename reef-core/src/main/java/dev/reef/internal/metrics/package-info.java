/**
 * The meters of SPEC §7 and the stats summed from them. A leaf of the engine: it knows Micrometer,
 * spores and the API's value types, nothing that calls back into the engine.
 */
package dev.reef.internal.metrics;
