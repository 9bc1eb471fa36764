package dev.reef.spi;

import dev.reef.DeadLetter;
import dev.reef.ReplayReport;
import dev.reef.spore.Spore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The dead letters a backend keeps for its namespace. The engine authorizes every call first. */
public interface DeadLetterStore {

  /** The dead letters, oldest first. */
  List<DeadLetter> list();

  /**
   * Finds the dead letter {@code id} and asks {@code prepare} for the spore to send back (the dead
   * letter's own, or one with a refreshed expiry); {@code prepare} throws to refuse, and then nothing
   * changes and the future fails with what it threw. Otherwise the spore goes back to the queue of
   * the agent that gave up on it, as a first attempt, and the dead letter is removed.
   *
   * @throws IllegalArgumentException when there is no dead letter {@code id}
   */
  CompletableFuture<Void> replay(String id, Function<DeadLetter, Spore> prepare);

  /**
   * Replays every dead letter as {@link #replay} does, in one pass over the store: those {@code
   * prepare} refuses (or that cannot be sent) stay, reported with the message of what was thrown.
   */
  CompletableFuture<ReplayReport> replayAll(Function<DeadLetter, Spore> prepare);

  /** Deletes every dead letter; returns how many there were. */
  int purge();
}
