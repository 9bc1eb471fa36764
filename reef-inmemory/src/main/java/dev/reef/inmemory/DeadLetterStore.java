package dev.reef.inmemory;

import dev.reef.DeadLetter;
import dev.reef.ReplayReport;
import dev.reef.spi.DeadLetterReason;
import dev.reef.spi.Outbound;
import dev.reef.spore.Spore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters of one namespace (AMQP: the {@code ns.dead} queue), oldest first. A replay that
 * the agent queue refuses puts the dead letter back where it was, so that nothing is lost.
 */
final class DeadLetterStore implements dev.reef.spi.DeadLetterStore {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);

  private final Namespace namespace;
  private final Object lock = new Object();
  private final TreeMap<Long, DeadLetter> byArrival = new TreeMap<>(); // guarded by lock
  private final Map<String, Long> arrivalById = new HashMap<>(); // guarded by lock
  private long arrivals; // guarded by lock

  DeadLetterStore(Namespace namespace) {
    this.namespace = namespace;
  }

  /**
   * Keeps {@code message}, dead-lettered from {@code channel} for {@code reason}. Its id is its spore's
   * id, so that the id in the logs finds it, with the agent appended when that id is taken (a broadcast
   * dead-lettered by two agents).
   */
  void add(Message message, String channel, DeadLetterReason reason) {
    String sporeId = message.spore().id();
    String agent = reason.agent();
    // Written by the broker itself, in this JVM: nobody else can have made or changed it.
    DeadLetter.Builder letter = DeadLetter.builder().integrity(DeadLetter.Integrity.VERIFIED)
        .spore(message.spore()).channel(channel).agent(agent).error(reason.error()).attempts(reason.attempts())
        .deadLetteredAt(Instant.now()).replyAddress(message.replyAddress()).publisher(message.userId());
    DeadLetter deadLetter;
    synchronized (lock) {
      String id = arrivalById.containsKey(sporeId) ? sporeId + "@" + agent : sporeId;
      deadLetter = letter.id(id).build();
      long arrival = arrivals++;
      byArrival.put(arrival, deadLetter);
      arrivalById.put(id, arrival);
    }
    LOG.debug("namespace '{}': spore {} dead-lettered by '{}' on channel '{}'", namespace.name(), sporeId, agent,
        deadLetter.channel());
  }

  @Override
  public List<DeadLetter> list() {
    synchronized (lock) {
      return List.copyOf(byArrival.values());
    }
  }

  @Override
  public CompletableFuture<Void> replay(String id, Function<DeadLetter, Spore> prepare) {
    Objects.requireNonNull(id, "dead letter id must not be null");
    Objects.requireNonNull(prepare, "prepare must not be null");
    synchronized (lock) {
      if (!arrivalById.containsKey(id)) {
        throw new IllegalArgumentException("no dead letter with id '" + id + "' in namespace '" + namespace.name()
            + "'");
      }
    }
    return replayOne(id, prepare);
  }

  @Override
  public CompletableFuture<ReplayReport> replayAll(Function<DeadLetter, Spore> prepare) {
    Objects.requireNonNull(prepare, "prepare must not be null");
    List<String> replayed = new ArrayList<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    for (DeadLetter letter : list()) {
      try {
        replayOne(letter.id(), prepare).join();
        replayed.add(letter.id());
      } catch (CompletionException e) {
        skipped.put(letter.id(), String.valueOf(e.getCause().getMessage()));
      } catch (RuntimeException e) {
        skipped.put(letter.id(), String.valueOf(e.getMessage()));
      }
    }
    return CompletableFuture.completedFuture(new ReplayReport(replayed, skipped));
  }

  /** Takes the dead letter out (so that two replays cannot both send it), and puts it back if it cannot be sent. */
  private CompletableFuture<Void> replayOne(String id, Function<DeadLetter, Spore> prepare) {
    long arrival;
    DeadLetter deadLetter;
    synchronized (lock) {
      Long found = arrivalById.remove(id);
      if (found == null) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("dead letter '" + id
            + "' was replayed or purged meanwhile"));
      }
      arrival = found;
      deadLetter = byArrival.remove(arrival);
    }
    Spore spore;
    try {
      spore = prepare.apply(deadLetter);
    } catch (RuntimeException refused) {
      restore(arrival, deadLetter);
      return CompletableFuture.failedFuture(refused); // nothing has changed
    }
    CompletableFuture<Void> published;
    try {
      // Replayed by the namespace, not by a connection, so the spore carries no user.
      published = namespace.publish(new Outbound(deadLetter.channel(), spore, deadLetter.agent(), null, 1), null);
    } catch (RuntimeException e) {
      restore(arrival, deadLetter);
      return CompletableFuture.failedFuture(e);
    }
    return published.whenComplete((ok, error) -> {
      if (error != null) {
        restore(arrival, deadLetter);
      }
    });
  }

  @Override
  public int purge() {
    synchronized (lock) {
      int count = byArrival.size();
      byArrival.clear();
      arrivalById.clear();
      return count;
    }
  }

  private void restore(long arrival, DeadLetter deadLetter) {
    synchronized (lock) {
      byArrival.put(arrival, deadLetter);
      arrivalById.put(deadLetter.id(), arrival);
    }
  }
}
