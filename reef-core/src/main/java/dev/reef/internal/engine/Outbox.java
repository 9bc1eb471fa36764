package dev.reef.internal.engine;

import dev.reef.Action;
import dev.reef.RateLimitExceededException;
import dev.reef.internal.metrics.ReefMetrics;
import dev.reef.internal.trace.Cause;
import dev.reef.internal.trace.SporeObservations;
import dev.reef.spi.Outbound;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.Spore;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way out of a Reef: every send, broadcast, request, reply and scatter passes the same
 * steps, in this order: open? causation and trace stamped, knowledge size, authorizer, broadcast
 * rate, signature, backend, meters. Checks throw on the caller's thread; what the backend decides
 * arrives through the future.
 */
final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final ReefBackend backend;
  private final Lifecycle lifecycle;
  private final Access access;
  private final BroadcastRateLimiter broadcasts;
  private final Signatures signatures;
  private final ReefMetrics metrics;
  private final int maxKnowledgeBytes;
  private final SporeObservations observations;
  private final RecentReplies recentReplies;
  /** Per channel, per sender: its meters, looked up by name instead of built per send. */
  private final Map<String, Map<String, ReefMetrics.SendCounters>> senders = new ConcurrentHashMap<>();

  Outbox(ReefBackend backend, Lifecycle lifecycle, Access access, BroadcastRateLimiter broadcasts,
      Signatures signatures, ReefMetrics metrics, int maxKnowledgeBytes, SporeObservations observations,
      RecentReplies recentReplies) {
    this.backend = backend;
    this.lifecycle = lifecycle;
    this.access = access;
    this.broadcasts = broadcasts;
    this.signatures = signatures;
    this.metrics = metrics;
    this.maxKnowledgeBytes = maxKnowledgeBytes;
    this.observations = observations;
    this.recentReplies = recentReplies;
  }

  /**
   * Publishes a spore on {@code channel}: to its recipient, or to every agent when it has none.
   *
   * @param action {@link Action#SEND}, {@link Action#BROADCAST} or {@link Action#REQUEST}
   * @param cause the spore being handled, or null for the thread's current one (if any)
   * @param replyAddress for a request, where its reply goes; else null
   */
  CompletableFuture<Void> publish(Action action, String channel, Spore spore, Cause cause, String replyAddress) {
    Spore stamped = admit(action, channel, spore, cause);
    if (observations.isOff()) {
      return counted(channel, stamped, backend.publish(Outbound.of(channel, signatures.sign(stamped), replyAddress)));
    }
    SporeObservations.Publishing observed = observations.publishing(channel, stamped, parentOf(cause));
    return observed(observed, () -> counted(channel, observed.spore(),
        backend.publish(Outbound.of(channel, signatures.sign(observed.spore()), replyAddress))));
  }

  /**
   * Sends a reply to the requester's reply address or, for a requester that gave none (a foreign
   * client), through the channel to its agent queue: a part of a streamed reply, its end, or a cancel.
   */
  CompletableFuture<Void> reply(String channel, Spore reply, Cause cause, String replyAddress) {
    return reply(channel, reply, cause, replyAddress, false);
  }

  /**
   * Sends the one reply that answers a request, as {@link #reply} does, and keeps it, for a requester
   * that asks again after losing it with its connection (see {@link #answerAgain}).
   */
  CompletableFuture<Void> answer(String channel, Spore reply, Cause cause, String replyAddress) {
    return reply(channel, reply, cause, replyAddress, true);
  }

  private CompletableFuture<Void> reply(String channel, Spore reply, Cause cause, String replyAddress, boolean keep) {
    Spore stamped = admit(Action.REPLY, channel, reply, cause);
    if (observations.isOff()) {
      return sendReply(channel, stamped, replyAddress, keep);
    }
    SporeObservations.Publishing observed = observations.publishing(channel, stamped, parentOf(cause));
    return observed(observed, () -> sendReply(channel, observed.spore(), replyAddress, keep));
  }

  private CompletableFuture<Void> sendReply(String channel, Spore reply, String replyAddress, boolean keep) {
    Spore signed = signatures.sign(reply);
    if (keep && replyAddress != null) {
      recentReplies.remember(channel, replyAddress, signed);
    }
    return counted(channel, reply, replyAddress != null
        ? backend.sendReply(channel, replyAddress, signed)
        : backend.publish(Outbound.of(channel, signed, null)));
  }

  /**
   * Sends again, as it went, the final reply an agent of this Reef sent to request {@code requestId}
   * at {@code replyAddress}, when it is still kept: the request came again because its requester lost
   * the reply with its connection (SPEC §3.3). The history does not get it twice.
   *
   * @return true when the reply was kept and is sent again
   */
  boolean answerAgain(String requestId, String replyAddress) {
    if (replyAddress == null || lifecycle.isClosing()) {
      return false;
    }
    RecentReplies.Sent sent = recentReplies.find(requestId, replyAddress).orElse(null);
    if (sent == null) {
      return false;
    }
    counted(sent.channel(), sent.reply(), backend.sendReply(replyAddress, sent.reply())).whenComplete((ok, error) -> {
      if (error != null) {
        LOG.debug("reply {} to request {}, sent again, did not go: {}", sent.reply().id(), requestId,
            unwrap(error).toString());
      }
    });
    return true;
  }

  private static io.micrometer.observation.Observation parentOf(Cause cause) {
    Cause because = cause != null ? cause : Cause.current();
    return because == null ? null : because.observation();
  }

  /** Runs a publish inside its observation, which stops when the backend has decided (or the publish threw). */
  private static CompletableFuture<Void> observed(SporeObservations.Publishing observed,
      java.util.function.Supplier<CompletableFuture<Void>> publish) {
    CompletableFuture<Void> sent;
    try (io.micrometer.observation.Observation.Scope scope = observed.observation().openScope()) {
      sent = publish.get();
    } catch (RuntimeException e) {
      observed.stop(e);
      throw e;
    }
    return sent.whenComplete((ok, error) -> observed.stop(error == null ? null : unwrap(error)));
  }

  /**
   * Tells a requester that the reply to its request was refused by the authorizer, so that it fails
   * at once instead of at its timeout. The only spore that skips the authorizer: it carries the
   * refusal and nothing the responder made.
   */
  CompletableFuture<Void> refusal(String channel, Spore errorReply, Cause cause, String replyAddress) {
    lifecycle.ensureOpen();
    Spore stamped = cause == null ? errorReply : cause.stamp(errorReply);
    Spore signed = signatures.sign(stamped);
    if (replyAddress != null) {
      recentReplies.remember(channel, replyAddress, signed); // the refusal is the request's answer
    }
    return counted(channel, stamped, replyAddress != null
        ? backend.sendReply(channel, replyAddress, signed)
        : backend.publish(Outbound.of(channel, signed, null)));
  }

  /**
   * Re-sends a dead letter's spore as it is (its signature still holds): only the checks of a send
   * ({@link Action#SEND} with the spore) run; the backend re-publishes it.
   */
  void admitReplay(String channel, Spore spore) {
    lifecycle.ensureOpen();
    access.check(spore.isBroadcast() ? Action.BROADCAST : Action.SEND, channel, spore);
  }

  private Spore admit(Action action, String channel, Spore spore, Cause cause) {
    lifecycle.ensureOpen();
    Cause because = cause != null ? cause : Cause.current();
    Spore stamped = because == null ? spore : because.stamp(spore);
    if (stamped.knowledgeBytes() > maxKnowledgeBytes) {
      throw new InvalidSporeException("knowledge", "encoded size " + stamped.knowledgeBytes()
          + " bytes exceeds the limit of " + maxKnowledgeBytes + " bytes");
    }
    access.check(action, channel, stamped);
    if (action == Action.BROADCAST && !broadcasts.tryAcquire(stamped.fromAgent())) {
      metrics.refused(Action.BROADCAST, channel, stamped.fromAgent());
      throw new RateLimitExceededException("agent '" + stamped.fromAgent() + "' exceeded its broadcast rate of "
          + broadcasts.describe() + " on channel '" + channel + "'");
    }
    return stamped;
  }

  private CompletableFuture<Void> counted(String channel, Spore spore, CompletableFuture<Void> sent) {
    ReefMetrics.SendCounters counters = countersOf(channel, spore.fromAgent());
    return sent.whenComplete((ok, error) -> {
      if (error == null) {
        counters.sent().increment(spore.type());
      } else {
        counters.failed().increment(spore.type());
        LOG.debug("send of spore {} on '{}' failed: {}", spore.id(), channel, unwrap(error).toString());
      }
    });
  }

  private ReefMetrics.SendCounters countersOf(String channel, String agent) {
    Map<String, ReefMetrics.SendCounters> byAgent = senders.get(channel);
    if (byAgent == null) {
      byAgent = senders.computeIfAbsent(channel, c -> new ConcurrentHashMap<>());
    }
    ReefMetrics.SendCounters counters = byAgent.get(agent);
    if (counters == null) {
      counters = byAgent.computeIfAbsent(agent, a -> metrics.sendCounters(channel, a));
    }
    return counters;
  }

  /** The cause of a {@link CompletionException}, or the error itself. */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
