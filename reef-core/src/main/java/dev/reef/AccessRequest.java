package dev.reef;

import dev.reef.spore.Spore;

/**
 * The context of an action put to the {@link Authorizer}.
 *
 * @param action what is to be done
 * @param channel the channel it is done on, or null when it concerns a whole namespace (listing or
 *     purging dead letters)
 * @param agent who does it: the sender, or the subscribing agent; null for an operator's action that
 *     no agent makes (observing, managing dead letters)
 * @param target the recipient agent, or null (broadcast, subscribe, observe)
 * @param spore the spore being sent or replayed, or null (subscribe, observe, list, purge)
 */
public record AccessRequest(Action action, String channel, String agent, String target, Spore spore) {

  /** An action on a channel that no agent makes and that carries no spore. */
  public static AccessRequest operator(Action action, String channel) {
    return new AccessRequest(action, channel, null, null, null);
  }
}
