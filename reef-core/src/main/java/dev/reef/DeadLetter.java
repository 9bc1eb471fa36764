package dev.reef;

import dev.reef.spore.Spore;
import java.time.Instant;

/**
 * A spore that could not be handled, kept with why (SPEC §3.9).
 *
 * @param id this dead letter's id, for {@link DeadLetters#replay}
 * @param spore the spore, or null when the message could not even be decoded
 * @param rawPayload for an undecodable message, its body as text (truncated); else null
 * @param channel the channel it came through
 * @param agent the agent that gave up on it
 * @param error the handler's error or the decoding problem
 * @param attempts how many handler attempts were made (0 for undecodable messages)
 * @param deadLetteredAt when it was dead-lettered
 */
public record DeadLetter(
    String id,
    Spore spore,
    String rawPayload,
    String channel,
    String agent,
    String error,
    int attempts,
    Instant deadLetteredAt) {}
