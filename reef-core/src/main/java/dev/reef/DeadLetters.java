package dev.reef;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The dead letters of a namespace: list them, replay them to their agent, or purge them. On a
 * {@link Reef}, every call asks the {@link Authorizer} first ({@link Action#DEAD_LETTER_LIST},
 * {@link Action#DEAD_LETTER_REPLAY} and then {@link Action#SEND} for the re-sent spore, {@link
 * Action#DEAD_LETTER_PURGE}).
 *
 * <p>A replay that cannot succeed is refused, with the reason, before anything is sent: a request
 * whose requester no longer listens for the reply, a spore that has expired (unless the options
 * refresh its expiry), a message that was never a valid spore.
 */
public interface DeadLetters {

  /** The dead letters, oldest first. */
  List<DeadLetter> list();

  /** The dead letter {@code id}, if there is one. */
  default Optional<DeadLetter> find(String id) {
    return list().stream().filter(letter -> letter.id().equals(id)).findFirst();
  }

  /** {@link #replay(String, ReplayOptions)} with {@link ReplayOptions#DEFAULT}. */
  default CompletableFuture<Void> replay(String id) {
    return replay(id, ReplayOptions.DEFAULT);
  }

  /**
   * Sends the dead letter's spore back to the queue of the agent that gave up on it, as a first
   * attempt, and removes it from the dead letters.
   *
   * @throws IllegalArgumentException when there is no dead letter {@code id}
   * @return a future that fails with {@link ReplayRefusedException} saying why, when the replay
   *     cannot succeed (nothing then changes)
   */
  CompletableFuture<Void> replay(String id, ReplayOptions options);

  /** Replays every dead letter that can be, in one pass; the others stay and are reported with why. */
  CompletableFuture<ReplayReport> replayAll(ReplayOptions options);

  /** Deletes every dead letter; returns how many there were. */
  int purge();
}
