package dev.reef.amqp;

import dev.reef.ReefException;
import dev.reef.UnknownDestinationException;
import dev.reef.spi.Outbound;
import dev.reef.spore.InvalidSporeException;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns spores into messages on their way (SPEC §4, §5): to a channel's exchange with the routing key
 * of their recipient (or of everyone), or straight to a reply address. Each publish has one deadline,
 * {@code send_wait_ms} from its start, for everything its caller may wait on: finding the channel's
 * exchange on first use, room among unconfirmed sends, the channel.
 *
 * <p>A send declares nothing: a channel whose exchange does not exist has never had a subscriber, so a
 * directed spore to it fails as an unknown destination and a broadcast to it goes nowhere. Only
 * subscribing declares.
 *
 * <p>Replies go only to this namespace's reply queues, {@code ns.reply.UUID} (SPEC §8): a request
 * whose {@code reply_to} names anything else (an agent's queue, {@code ns.dead}) is not answered
 * there, and the refusal is counted ({@value #REFUSED_REPLIES}) and logged at a bounded rate. A
 * reply whose queue is missing (the requester is reconnecting: its queue comes back under the same
 * name) is sent again, with growing pauses, for up to {@code reply_wait_ms}, so that replies survive
 * a requester's reconnect (SPEC §3.3).
 */
final class SporeSender implements MessageSender {
  /** Meter of replies refused because their address is not a reply queue of the namespace. */
  static final String REFUSED_REPLIES = "reef.amqp.replies.refused";
  private static final Logger LOG = LoggerFactory.getLogger(SporeSender.class);
  private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, 10);
  private static final long FIRST_PAUSE_MILLIS = 100;
  private static final long LONGEST_PAUSE_MILLIS = 1_000;

  private final Topology topology;
  private final ConfirmingPublisher publisher;
  private final SporeCodec codec;
  private final Duration sendWait;
  private final Duration replyWait;
  private final ScheduledExecutorService timer;
  private final Counter refusedReplies;
  private final Set<String> sites;

  /**
   * @param replyWait how long a reply waits for its requester's missing reply queue to come back
   * @param timer runs the pauses between a reply's sends
   * @param meters where the count of refused replies goes
   */
  SporeSender(Topology topology, ConfirmingPublisher publisher, SporeCodec codec, Duration sendWait,
      Duration replyWait, ScheduledExecutorService timer, MeterRegistry meters) {
    this(topology, publisher, codec, sendWait, replyWait, timer, meters, Set.of());
  }

  /** @param sites the names of the sites this Reef's site is linked with, its own included (empty: no sites) */
  SporeSender(Topology topology, ConfirmingPublisher publisher, SporeCodec codec, Duration sendWait,
      Duration replyWait, ScheduledExecutorService timer, MeterRegistry meters, Set<String> sites) {
    this.sites = Set.copyOf(sites);
    this.topology = topology;
    this.publisher = publisher;
    this.codec = codec;
    this.sendWait = sendWait;
    this.replyWait = replyWait;
    this.timer = timer;
    this.refusedReplies = Counter.builder(REFUSED_REPLIES)
        .description("replies not sent because their address is not a reply queue of the namespace")
        .register(meters);
  }

  /** See {@link dev.reef.spi.ReefBackend#publish}. */
  CompletableFuture<Void> publish(Outbound message) {
    long deadline = deadline();
    Spore spore = message.spore();
    String target = message.targetAgent();
    if (target != null && Names.siteOf(target) != null) {
      return publishToSite(message, Names.agentOf(target), Names.siteOf(target), deadline);
    }
    String exchange = topology.names().channelExchange(message.channel());
    try {
      if (!topology.exchangeExists(exchange, deadline)) {
        // Nobody ever subscribed on the channel: nothing to route to, and nothing is declared for it.
        return target == null ? CompletableFuture.completedFuture(null)
            : CompletableFuture.failedFuture(new UnknownDestinationException(message.channel(), target));
      }
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    SporeCodec.Encoded encoded = encode(spore, message.replyAddress(), message.attempt());
    String routingKey = target != null
        ? BrokerNames.directedKey(target, spore.type())
        : BrokerNames.broadcastKey(spore.type());
    Supplier<RuntimeException> ifReturned = target == null
        ? null // a broadcast nobody listens to is not an error
        : () -> new UnknownDestinationException(message.channel(), target);
    String description = spore.type().wireValue() + " spore " + spore.id()
        + (target != null ? " to agent '" + target + "'" : " to every agent") + " on channel '" + message.channel() + "'";
    return publisher.publish(new OutgoingMessage(exchange, routingKey, encoded.properties(), encoded.body(), ifReturned,
        description), deadline);
  }

  /**
   * A spore to {@code AGENT@SITE} (docs/sites.md): on the sites exchange with the key of the agent's
   * pinned queue at that site, mandatory, so that an agent that never ran there (its binding never
   * crossed to this site) fails as an unknown destination.
   */
  private CompletableFuture<Void> publishToSite(Outbound message, String agent, String site, long deadline) {
    Spore spore = message.spore();
    String address = message.targetAgent();
    if (!topology.names().sitesOn()) {
      return CompletableFuture.failedFuture(new UnknownDestinationException("'" + address + "' names site '" + site
          + "', but this Reef has no sites (set the AMQP options 'site' and 'sites', see docs/sites.md)"));
    }
    if (!sites.contains(site)) {
      return CompletableFuture.failedFuture(new UnknownDestinationException("'" + address + "' names site '" + site
          + "', which is not one of the sites " + sites));
    }
    String exchange = topology.names().sitesExchange();
    SporeCodec.Encoded encoded = encode(spore, message.replyAddress(), message.attempt());
    String routingKey = BrokerNames.pinnedKey(site, message.channel(), agent, spore.type());
    Supplier<RuntimeException> ifReturned = () -> new UnknownDestinationException("no agent named '" + agent
        + "' has ever subscribed on channel '" + message.channel() + "' at site '" + site + "' (or its site link has"
        + " never been up)");
    String description = spore.type().wireValue() + " spore " + spore.id() + " to agent '" + address + "' on channel '"
        + message.channel() + "'";
    return publisher.publish(new OutgoingMessage(exchange, routingKey, encoded.properties(), encoded.body(), ifReturned,
        description), deadline);
  }

  /** See {@link dev.reef.spi.ReefBackend#sendReply}. */
  CompletableFuture<Void> sendReply(String replyAddress, Spore reply) {
    if (replyAddress == null || replyAddress.isEmpty() || replyAddress.length() > BrokerNames.MAX_NAME_BYTES) {
      throw new IllegalArgumentException("invalid reply address '" + replyAddress + "': expected a queue name");
    }
    if (!topology.names().isReplyQueue(replyAddress)) {
      refusedReplies.increment();
      String shown = WireFields.abbreviate(replyAddress);
      REFUSALS.warn("reply {} to request {} not sent: '{}' is not a reply queue of namespace '{}' ({} refused so far)",
          reply.id(), reply.replyTo(), shown, topology.names().namespace(), (long) refusedReplies.count());
      return CompletableFuture.failedFuture(new UnknownDestinationException("reply address '" + shown
          + "' is not a reply queue of namespace '" + topology.names().namespace() + "': replies go only to Reef"
          + " reply addresses"));
    }
    SporeCodec.Encoded encoded = encode(reply, null, 1);
    // With sites, ns.reply.UUID@SITE: straight to the queue at this site, else on the sites exchange.
    String site = Names.siteOf(replyAddress);
    String queue = Names.agentOf(replyAddress);
    boolean remote = site != null && !site.equals(topology.names().site());
    if (remote && !sites.contains(site)) {
      return CompletableFuture.failedFuture(new UnknownDestinationException("reply address '"
          + WireFields.abbreviate(replyAddress) + "' is at site '" + site + "', which is not one of the sites " + sites));
    }
    OutgoingMessage message = new OutgoingMessage(remote ? topology.names().sitesExchange() : "",
        remote ? topology.names().replyKey(site, queue) : queue, encoded.properties(), encoded.body(),
        () -> new UnknownDestinationException("reply address '" + replyAddress + "' no longer exists: the requester"
            + " closed, or lost its connection and did not come back within " + replyWait.toMillis()
            + " ms (reply_wait_ms)"),
        "reply " + reply.id() + " to request " + reply.replyTo());
    CompletableFuture<Void> sent = new CompletableFuture<>();
    sendReply(message, System.nanoTime() + replyWait.toNanos(), FIRST_PAUSE_MILLIS, sent);
    return sent;
  }

  /** Sends a reply; while its queue is missing, again after {@code pauseMillis} (doubling), until {@code untilNanos}. */
  private void sendReply(OutgoingMessage message, long untilNanos, long pauseMillis, CompletableFuture<Void> sent) {
    publisher.publish(message, deadline()).whenComplete((ok, error) -> {
      if (error == null) {
        sent.complete(null);
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      boolean missing = cause instanceof UnknownDestinationException;
      if (!missing || untilNanos - System.nanoTime() < TimeUnit.MILLISECONDS.toNanos(pauseMillis)) {
        sent.completeExceptionally(cause);
        return;
      }
      try {
        timer.schedule(() -> sendReply(message, untilNanos, Math.min(LONGEST_PAUSE_MILLIS, pauseMillis * 2), sent),
            pauseMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        sent.completeExceptionally(cause);
      }
    });
  }

  @Override
  public CompletableFuture<Void> send(OutgoingMessage message) {
    return publisher.publish(message, deadline());
  }

  private SporeCodec.Encoded encode(Spore spore, String replyAddress, int attempt) {
    SporeCodec.Encoded encoded = codec.encode(spore, replyAddress, attempt, Instant.now());
    if (encoded.body().length > codec.maxBodyBytes()) {
      throw new InvalidSporeException("knowledge", "encoded size " + encoded.body().length
          + " bytes exceeds the AMQP backend's limit of " + codec.maxBodyBytes() + " bytes");
    }
    return encoded;
  }

  private long deadline() {
    return System.nanoTime() + sendWait.toNanos();
  }
}
