package dev.reef;

/** A snapshot of one {@link Reef}'s counters (the same values its meters export, SPEC §7). */
public interface ReefStats {

  /** Spores this Reef published (replies included). */
  long sent();

  /** Deliveries its consumers took from the backend. */
  long received();

  /** Handler runs that finished. */
  long handled();

  /** Handler runs that threw. */
  long failed();

  /** Failed spores sent back for another attempt. */
  long retried();

  /** Spores given up on. */
  long deadLettered();

  /** Spores dropped because they expired before a handler ran. */
  long expired();

  /** Deliveries suppressed as already handled. */
  long duplicates();

  /** Replies that came after their request had timed out. */
  long lateReplies();

  /** Actions refused by the authorizer or the broadcast rate limit. */
  long refused();

  /** Sends whose future failed (unknown destination, full queue, no confirm). */
  long sendFailures();

  /** Messages that were not valid spores and went to the dead letters. */
  long undecodable();

  /** Spores that failed signature verification and were never handled. */
  long rejected();

  /** Deliveries held right now, unsettled. */
  long inFlight();
}
