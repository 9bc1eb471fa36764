package dev.reef;

import dev.reef.spore.Spore;

/**
 * Handles the spores of one agent. Runs on the agent's Vert.x worker pool (or a virtual thread),
 * never on an event loop or broker thread, so it may block.
 */
@FunctionalInterface
public interface SporeHandler {

  /**
   * Handles one spore.
   *
   * <p>For a request, the return value becomes the reply's knowledge unless the handler already
   * replied with {@link HandlerContext#reply}: a record, bean, map or JSON object (written with the
   * Reef's mapper); an {@code Optional} of one (empty: no knowledge); a {@link Spore}, whose
   * knowledge is passed on; or null, for a reply without knowledge. A value that cannot be a JSON
   * object fails the request with an error naming its type. For other spores the value is ignored.
   *
   * <p>A {@link java.util.concurrent.CompletionStage} is an asynchronous result: the spore is settled,
   * and a request answered, when the stage completes; until then it counts against the prefetch,
   * and the handler's thread is free for the next spore. A stage that fails counts as a throw.
   *
   * @throws Exception to fail the attempt: the spore is retried, then dead-lettered; a request's
   *     caller gets the error once the last attempt fails. An {@link UnprocessableSporeException} is
   *     dead-lettered at once, without retries.
   */
  Object handle(Spore spore, HandlerContext context) throws Exception;
}
