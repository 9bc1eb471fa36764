package dev.reef;

import dev.reef.spore.Spore;

/**
 * Handles the spores of one agent. Runs on the agent's Vert.x worker pool, never on an event loop
 * or broker thread, so it may block.
 */
@FunctionalInterface
public interface SporeHandler {

  /**
   * Handles one spore. For a request, the return value becomes the reply's knowledge (anything
   * {@link dev.reef.spore.JsonDocument#of} accepts; null for none) unless the handler already
   * replied with {@link HandlerContext#reply}; for other spores it is ignored.
   *
   * @throws Exception to fail the attempt: the spore is retried, then dead-lettered; a request's
   *     caller gets the error once the last attempt fails
   */
  Object handle(Spore spore, HandlerContext context) throws Exception;
}
