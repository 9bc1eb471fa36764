/**
 * Reef beside its references, scenario by scenario ({@link dev.reef.bench.Bench}); each run ends
 * with a {@code RESULT} line. See {@code benchmarks/README.md}.
 */
package dev.reef.bench;
