/**
 * The Reef API: what applications use. Build a {@link dev.reef.Reef} with {@link
 * dev.reef.Reef#builder()}, take its {@link dev.reef.Channel}s, send, broadcast, request (plainly,
 * typed, or streamed) and subscribe agents; list who runs where with {@link
 * dev.reef.AgentDirectory}; manage {@link dev.reef.DeadLetters}; put every action to an {@link
 * dev.reef.Authorizer}.
 *
 * <p>Only interfaces, values and exceptions live here; the engine behind them is found at run time
 * and never imported by this package.
 */
package dev.reef;
