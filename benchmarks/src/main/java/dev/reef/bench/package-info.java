/**
 * Reef beside its references (the limit) and, for AMQP, its peer (Spring AMQP), scenario by scenario
 * ({@link dev.reef.bench.Bench}); each run ends with a {@code RESULT} line, preceded by a {@code PEER}
 * line where there is a peer. See {@code benchmarks/README.md}.
 */
package dev.reef.bench;
