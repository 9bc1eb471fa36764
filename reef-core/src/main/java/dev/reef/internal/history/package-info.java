/**
 * The engine's side of channel history (SPEC §3.16): filters, bounded reads, follows, cursors and
 * causal walks over a backend's {@link dev.reef.spi.HistoryLog}, the same for every backend. Users
 * never import this package.
 */
package dev.reef.internal.history;
