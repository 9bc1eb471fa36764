package dev.reef;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The dead letters of a namespace: list them, replay them to their agent, or purge them. On a
 * {@link Reef}, every call asks the {@link Authorizer} first ({@link Action#DEAD_LETTER_LIST},
 * {@link Action#DEAD_LETTER_REPLAY} and then {@link Action#SEND} for the re-sent spore, {@link
 * Action#DEAD_LETTER_PURGE}).
 */
public interface DeadLetters {

  /** The dead letters, oldest first. */
  List<DeadLetter> list();

  /**
   * Sends the dead letter's spore back to the queue of the agent that gave up on it, as a first
   * attempt, and removes it from the dead letters.
   *
   * @throws IllegalArgumentException when there is no dead letter {@code id}, or it has no spore
   */
  CompletableFuture<Void> replay(String id);

  /** Deletes every dead letter; returns how many there were. */
  int purge();
}
