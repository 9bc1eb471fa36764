package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import dev.reef.DeadLetter;
import dev.reef.ReefException;
import dev.reef.ReplayRefusedException;
import dev.reef.ReplayReport;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.DeadLetterStore;
import dev.reef.spi.Outbound;
import dev.reef.spore.Names;
import dev.reef.spore.Spore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of a namespace: the durable queue {@code ns.dead}, fed by the fanout exchange of
 * the same name (SPEC §3.9, §5), in the format of {@link DeadLetterFormat}.
 *
 * <p>Reading goes through a {@link DeadLetterScan}: {@code basic.get} on a channel of its own, every
 * message held until the channel closes and puts it back in place. So nothing is consumed by
 * listing, a replay removes exactly the letter it sent back (once the broker confirmed the spore),
 * and the queue stays the single source of truth, readable by any tool. It costs one round trip per
 * dead letter, which is fine for a queue that someone is meant to look at and empty. Reading a
 * namespace that never had a dead letter declares nothing.
 */
final class AmqpDeadLetters implements DeadLetterStore, DeadLetterWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpDeadLetters.class);
  /** The most dead letters one {@link #list()} returns, so that a flood cannot exhaust memory. */
  static final int MAX_LISTED = 10_000;

  private final Connection connection;
  private final Topology topology;
  private final BrokerQueues queues;
  private final BrokerNames names;
  private final MessageSender sender;
  private final SporeCodec codec;
  private final Function<Outbound, CompletableFuture<Void>> resend;
  private final DeadLetterSeal seal;
  private final Object readLock = new Object();

  /**
   * @param connection where listing and replay open their channels
   * @param resend publishes a replayed spore as a first attempt
   * @param seal seals what is written, and checks what is read
   */
  AmqpDeadLetters(Connection connection, Topology topology, BrokerQueues queues, MessageSender sender,
      SporeCodec codec, Function<Outbound, CompletableFuture<Void>> resend, DeadLetterSeal seal) {
    this.connection = connection;
    this.topology = topology;
    this.queues = queues;
    this.names = topology.names();
    this.sender = sender;
    this.codec = codec;
    this.resend = resend;
    this.seal = seal;
  }

  @Override
  public CompletableFuture<Void> write(String channel, Spore spore, String replyAddress, String publisher,
      DeadLetterReason reason) {
    SporeCodec.Encoded encoded = codec.encode(spore, replyAddress, Math.max(1, reason.attempts()), Instant.now());
    Map<String, Object> headers = new HashMap<>(encoded.properties().getHeaders());
    DeadLetterFormat.addReason(headers, channel, reason.agent(), reason.error(), reason.attempts(), publisher);
    AMQP.BasicProperties properties = encoded.properties().builder()
        .expiration(null) // a dead letter waits for a person, however stale its spore
        .build();
    return send(channel, sealed(properties, headers, encoded.body()), encoded.body(),
        "dead letter of spore " + spore.id());
  }

  @Override
  public CompletableFuture<Void> writeUndecodable(String channel, String agent, AMQP.BasicProperties original,
      byte[] body, String reason) {
    Map<String, Object> headers = new HashMap<>();
    if (original != null && original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    String publisher = original == null ? null : original.getUserId();
    DeadLetterFormat.addReason(headers, channel, agent, reason, 0, publisher);
    headers.put(DeadLetterFormat.ID, DeadLetterFormat.newId());
    byte[] kept = body == null ? new byte[0] : body;
    if (kept.length > codec.maxBodyBytes()) {
      headers.put(DeadLetterFormat.ORIGINAL_SIZE, Integer.toString(kept.length));
      kept = Arrays.copyOf(kept, DeadLetterFormat.KEPT_BODY_BYTES);
    }
    AMQP.BasicProperties properties = (original != null ? original.builder() : new AMQP.BasicProperties.Builder())
        .expiration(null)
        .userId(codec.userId()) // the writer is this connection; the original's publisher is in a header
        .deliveryMode(SporeCodec.PERSISTENT)
        .build();
    return send(channel, sealed(properties, headers, kept), kept,
        "dead letter of a message that is not a spore (" + reason + ")");
  }

  /** {@code properties} with {@code headers}, sealed with the rest of the message. */
  private AMQP.BasicProperties sealed(AMQP.BasicProperties properties, Map<String, Object> headers, byte[] body) {
    return properties.builder().headers(seal.seal(headers, properties, body)).build();
  }

  private CompletableFuture<Void> send(String channel, AMQP.BasicProperties properties, byte[] body, String what) {
    String exchange;
    try {
      exchange = topology.deadLetters();
    } catch (ReefException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sender.send(new OutgoingMessage(exchange, channel, properties, body,
        () -> new ReefException("the dead-letter queue " + exchange + " is gone; could not keep the " + what), what));
  }

  @Override
  public List<DeadLetter> list() {
    List<DeadLetter> letters = new ArrayList<>();
    synchronized (readLock) {
      try (DeadLetterScan scan = scan()) { // closing puts every message back in place
        DeadLetterScan.Found found;
        while (letters.size() < MAX_LISTED && (found = scan.next()) != null) {
          letters.add(found.letter());
        }
      }
    }
    if (letters.size() >= MAX_LISTED) {
      LOG.warn("listing only the first {} dead letters of {}", MAX_LISTED, names.dead());
    }
    return letters;
  }

  @Override
  public CompletableFuture<Void> replay(String id, Function<DeadLetter, Spore> prepare) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(prepare, "prepare");
    synchronized (readLock) {
      DeadLetterScan scan = scan();
      try {
        DeadLetterScan.Found found;
        while ((found = scan.next()) != null && !found.isNamed(id)) {
          // held until the pass closes, so that the next get moves on
        }
        if (found == null) {
          throw new IllegalArgumentException("there is no dead letter with id '" + id + "' in " + names.dead());
        }
        CompletableFuture<Void> replayed = replayOne(scan, found, prepare);
        DeadLetterScan done = scan;
        scan = null;
        return replayed.whenComplete((ok, error) -> done.close());
      } finally {
        if (scan != null) {
          scan.close();
        }
      }
    }
  }

  @Override
  public CompletableFuture<ReplayReport> replayAll(Function<DeadLetter, Spore> prepare) {
    Objects.requireNonNull(prepare, "prepare");
    Map<String, CompletableFuture<Void>> replays = new LinkedHashMap<>();
    DeadLetterScan scan;
    synchronized (readLock) {
      scan = scan();
      try {
        DeadLetterScan.Found found;
        while ((found = scan.next()) != null) {
          replays.put(found.letter().id(), replayOne(scan, found, prepare));
        }
      } catch (RuntimeException e) {
        scan.close();
        throw e;
      }
    }
    DeadLetterScan done = scan;
    return CompletableFuture.allOf(replays.values().stream().map(replay -> replay.exceptionally(error -> null))
        .toArray(CompletableFuture[]::new)).handle((ok, ignored) -> {
          done.close(); // after every removal: what stays goes back in place
          List<String> replayed = new ArrayList<>();
          Map<String, String> skipped = new LinkedHashMap<>();
          replays.forEach((id, replay) -> {
            if (replay.isCompletedExceptionally()) {
              skipped.put(id, String.valueOf(failureOf(replay).getMessage()));
            } else {
              replayed.add(id);
            }
          });
          return new ReplayReport(replayed, skipped);
        });
  }

  private static Throwable failureOf(CompletableFuture<Void> failed) {
    try {
      failed.join();
      throw new IllegalStateException("not failed");
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }

  /**
   * Asks {@code prepare} for the spore to send back, sends it to the agent that gave up on it as a
   * first attempt, and removes the dead letter once the broker has it. A refusal changes nothing.
   */
  private CompletableFuture<Void> replayOne(DeadLetterScan scan, DeadLetterScan.Found found,
      Function<DeadLetter, Spore> prepare) {
    DeadLetter letter = found.letter();
    Spore spore;
    try {
      spore = prepare.apply(letter);
      if (!Names.isValid(letter.channel()) || !Names.isValid(letter.agent())) {
        throw new ReplayRefusedException(letter.id(), "it does not say which channel and agent it came from");
      }
    } catch (RuntimeException refused) {
      return CompletableFuture.failedFuture(refused);
    }
    CompletableFuture<Void> sent;
    try {
      sent = resend.apply(new Outbound(letter.channel(), spore, letter.agent(), letter.replyAddress().orElse(null), 1));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.thenRun(() -> {
      try {
        scan.remove(found.tag());
      } catch (IOException | RuntimeException e) {
        // Sent, but still listed: a second replay would send it again, which receivers suppress.
        LOG.warn("replayed dead letter {} but could not remove it: {}", letter.id(), e.toString());
      }
    });
  }

  private DeadLetterScan scan() {
    return DeadLetterScan.begin(connection, names.dead(), response -> {
      DeadLetterFormat.Entry entry = DeadLetterFormat.read(response.getProps(), response.getBody(), codec);
      DeadLetter.Integrity integrity = seal.check(response.getProps(), response.getBody());
      entry.letter().integrity(integrity);
      if (integrity != DeadLetter.Integrity.VERIFIED) {
        entry.letter().publisher(null); // a claim of whoever wrote the letter, not what the broker verified
      }
      return entry;
    });
  }

  @Override
  public int purge() {
    return queues.purgeIfExists(names.dead());
  }

}
