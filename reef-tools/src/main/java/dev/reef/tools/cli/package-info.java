/**
 * The {@code reef} command-line tool (picocli): {@code run} agents, {@code send} a spore and wait for
 * its reply, {@code tail} a channel, list {@code agents}, and {@code dlq list|replay|purge}. Entry
 * point: {@link dev.reef.tools.cli.ReefCli}.
 */
package dev.reef.tools.cli;
