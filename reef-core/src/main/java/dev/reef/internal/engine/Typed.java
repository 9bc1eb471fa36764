package dev.reef.internal.engine;

import dev.reef.spore.Spore;
import java.util.concurrent.CompletableFuture;

/** Replies read as the caller's own types (SPEC §3.13). */
final class Typed {
  private Typed() {}

  /** {@code reply}'s knowledge as {@code type}; a reply that does not fit fails the future naming the type. */
  static <R> CompletableFuture<R> reply(CompletableFuture<Spore> reply, Class<R> type) {
    return reply.thenApply(spore -> {
      try {
        return spore.knowledge(type);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the reply " + spore.id() + " from '" + spore.fromAgent()
            + "' cannot be read as " + type.getName() + ": " + e.getMessage(), e);
      }
    });
  }
}
