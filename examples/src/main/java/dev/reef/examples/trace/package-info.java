/**
 * A chain of agents in three JVMs for {@code reef trace}: a router hands work to a planner, which asks
 * the calculator ({@link dev.reef.examples.distributed.Calculator}); each spore they send carries
 * {@code caused_by}, so the channel's history holds the chain.
 */
package dev.reef.examples.trace;
