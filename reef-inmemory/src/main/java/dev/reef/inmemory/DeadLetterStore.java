package dev.reef.inmemory;

import dev.reef.DeadLetter;
import dev.reef.spi.Outbound;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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

  void add(DeadLetter deadLetter) {
    synchronized (lock) {
      long arrival = arrivals++;
      byArrival.put(arrival, deadLetter);
      arrivalById.put(deadLetter.id(), arrival);
    }
    LOG.debug("namespace '{}': spore {} dead-lettered by '{}' on channel '{}'", namespace.name(),
        deadLetter.spore().map(spore -> spore.id()).orElse("?"), deadLetter.agent(), deadLetter.channel());
  }

  @Override
  public List<DeadLetter> list() {
    synchronized (lock) {
      return List.copyOf(byArrival.values());
    }
  }

  @Override
  public CompletableFuture<Void> replay(String id, Consumer<DeadLetter> check) {
    Objects.requireNonNull(id, "dead letter id must not be null");
    Objects.requireNonNull(check, "check must not be null");
    long arrival;
    DeadLetter deadLetter;
    synchronized (lock) {
      Long found = arrivalById.get(id);
      if (found == null) {
        throw new IllegalArgumentException("no dead letter with id '" + id + "' in namespace '" + namespace.name() + "'");
      }
      arrival = found;
      deadLetter = byArrival.get(arrival);
      if (deadLetter.spore().isEmpty()) {
        throw new IllegalArgumentException("dead letter '" + id + "' has no spore to replay");
      }
      try {
        check.accept(deadLetter);
      } catch (RuntimeException refused) {
        return CompletableFuture.failedFuture(refused); // nothing has changed yet
      }
      // Taken out before publishing, so that two concurrent replays cannot both send it.
      arrivalById.remove(id);
      byArrival.remove(arrival);
    }
    CompletableFuture<Void> published;
    try {
      // Replayed by the namespace, not by a connection, so the spore carries no user.
      published = namespace.publish(
          new Outbound(deadLetter.channel(), deadLetter.spore().get(), deadLetter.agent(), null, 1), null);
    } catch (RuntimeException e) {
      restore(arrival, deadLetter);
      throw e;
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
