/**
 * Who sent a spore, proven: Ed25519 signing and verification of spores ({@link
 * dev.reef.security.SporeSigning}) against a registry of agents' public keys ({@link
 * dev.reef.security.KeyRegistry}).
 *
 * <p>Two guarantees, from two sources:
 *
 * <ul>
 *   <li>the transport's: {@link dev.reef.HandlerContext#verifiedUserId()} is the broker user that
 *       published a spore (AMQP {@code user_id}, checked by RabbitMQ). It says which credentials
 *       sent it, not which agent: every agent of a process shares its connection's user.
 *   <li>the spore's own: with signing, a spore carries a signature by the private key of its {@code
 *       from_agent}, which receivers check. It says which agent made it, across retries, dead letters,
 *       replays, backends and brokers.
 * </ul>
 */
package dev.reef.security;
