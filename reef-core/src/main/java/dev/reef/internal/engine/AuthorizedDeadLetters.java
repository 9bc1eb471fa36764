package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.DeadLetter;
import dev.reef.DeadLetters;
import dev.reef.spi.DeadLetterStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A namespace's dead letters as a Reef shows them: every operation is put to the authorizer, and a
 * replay is also checked as the send it amounts to (SPEC §8).
 */
final class AuthorizedDeadLetters implements DeadLetters {
  private final Supplier<DeadLetterStore> store;
  private final Lifecycle lifecycle;
  private final Access access;
  private final Outbox outbox;

  /** @param store the backend's store, asked for at each call (a backend may make it on first use) */
  AuthorizedDeadLetters(Supplier<DeadLetterStore> store, Lifecycle lifecycle, Access access, Outbox outbox) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.access = access;
    this.outbox = outbox;
  }

  @Override
  public List<DeadLetter> list() {
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.DEAD_LETTER_LIST, null));
    return store.get().list();
  }

  @Override
  public CompletableFuture<Void> replay(String id) {
    Objects.requireNonNull(id, "id");
    lifecycle.ensureOpen();
    return store.get().replay(id, deadLetter -> {
      access.check(new AccessRequest(Action.DEAD_LETTER_REPLAY, deadLetter.channel(), null, deadLetter.agent(),
          deadLetter.spore().orElse(null)));
      deadLetter.spore().ifPresent(spore -> outbox.admitReplay(deadLetter.channel(), spore));
    });
  }

  @Override
  public int purge() {
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.DEAD_LETTER_PURGE, null));
    return store.get().purge();
  }
}
