package dev.reef;

import dev.reef.spore.Spore;

/**
 * The context of an action put to the {@link Authorizer}.
 *
 * @param action what is to be done
 * @param channel the channel it is done on
 * @param agent who does it: the sender, or the subscribing agent
 * @param target the recipient agent, or null (broadcast, subscribe)
 * @param spore the spore being sent, or null (subscribe, unsubscribe)
 */
public record AccessRequest(Action action, String channel, String agent, String target, Spore spore) {}
