package dev.reef.spi;

import java.util.Objects;

/**
 * Why a spore ended in the dead letters.
 *
 * @param error what went wrong: the handler's exception (type and message) or the decoding problem
 * @param attempts how many times a handler tried it (0 when it could not be decoded)
 * @param agent the agent that gave up on it
 */
public record DeadLetterReason(String error, int attempts, String agent) {

  /** Checks the fields. */
  public DeadLetterReason {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(agent, "agent");
  }
}
