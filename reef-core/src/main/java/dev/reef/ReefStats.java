package dev.reef;

/**
 * A snapshot of one {@link Reef}'s counters (the same values its meters export, SPEC §7).
 *
 * @param sent spores this Reef published (replies included)
 * @param received deliveries its consumers took from the backend
 * @param handled handler runs that finished
 * @param failed handler runs that threw
 * @param retried failed spores sent back for another attempt
 * @param deadLettered spores given up on
 * @param expired spores dropped because they expired before a handler ran
 * @param duplicates deliveries suppressed as already handled
 * @param lateReplies replies that came after their request had timed out
 * @param refused actions refused by the authorizer or the broadcast rate limit
 * @param sendFailures sends whose future failed (unknown destination, full queue, no confirm)
 * @param undecodable messages that were not valid spores and went to the dead letters
 * @param inFlight deliveries held right now, unsettled
 */
public record ReefStats(
    long sent,
    long received,
    long handled,
    long failed,
    long retried,
    long deadLettered,
    long expired,
    long duplicates,
    long lateReplies,
    long refused,
    long sendFailures,
    long undecodable,
    long inFlight) {}
