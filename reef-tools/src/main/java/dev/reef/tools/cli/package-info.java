/**
 * The {@code reef} command-line tool (picocli): {@code run} agents, {@code send} a spore and wait for
 * its reply, {@code tail} a channel, list {@code agents}, {@code dlq list|show|replay|purge}, {@code
 * namespace objects|delete}, {@code completion} and {@code help}. Entry point: {@link
 * dev.reef.tools.cli.ReefCli}.
 */
package dev.reef.tools.cli;
