/**
 * The distributed example: agents in separate JVMs on one RabbitMQ broker. {@link
 * dev.reef.examples.distributed.Worker}s in several JVMs share jobs round-robin, a {@link
 * dev.reef.examples.distributed.Calculator} answers typed requests, a {@link
 * dev.reef.examples.distributed.Writer} streams its answers word by word, and the {@link
 * dev.reef.examples.distributed.Orchestrator} hands out the jobs and collects the results. The README
 * section "Running agent JVMs against RabbitMQ" walks through it.
 */
package dev.reef.examples.distributed;
