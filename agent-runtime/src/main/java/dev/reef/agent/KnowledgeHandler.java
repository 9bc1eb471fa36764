package dev.reef.agent;

import dev.reef.HandlerContext;

/**
 * Handles spores by their knowledge, read as the handler's own record or bean type: the typed form
 * of {@link dev.reef.SporeHandler}, for {@link AgentSpec.Builder#respondsTo(String, Class,
 * KnowledgeHandler)}. It returns what a {@code SporeHandler} returns.
 *
 * @param <T> the knowledge's type
 */
@FunctionalInterface
public interface KnowledgeHandler<T> {

  /** Handles one spore, given its knowledge as a {@code T}. */
  Object handle(T knowledge, HandlerContext context) throws Exception;
}
