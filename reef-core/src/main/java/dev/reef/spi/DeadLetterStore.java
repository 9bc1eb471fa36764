package dev.reef.spi;

import dev.reef.DeadLetter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The dead letters a backend keeps for its namespace. The engine authorizes every call first. */
public interface DeadLetterStore {

  /** The dead letters, oldest first. */
  List<DeadLetter> list();

  /**
   * Finds the dead letter {@code id}, shows it to {@code check} (which throws to refuse: then nothing
   * changes and the future fails with what it threw), sends its spore back to the queue of the agent
   * that gave up on it as a first attempt, and removes it.
   *
   * @throws IllegalArgumentException when there is no dead letter {@code id}, or it has no spore
   */
  CompletableFuture<Void> replay(String id, Consumer<DeadLetter> check);

  /** Deletes every dead letter; returns how many there were. */
  int purge();
}
