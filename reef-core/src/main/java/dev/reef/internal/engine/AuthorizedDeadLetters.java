package dev.reef.internal.engine;

import dev.reef.AccessRequest;
import dev.reef.Action;
import dev.reef.DeadLetter;
import dev.reef.DeadLetters;
import dev.reef.ReplayOptions;
import dev.reef.ReplayRefusedException;
import dev.reef.ReplayReport;
import dev.reef.security.SporeSigning;
import dev.reef.spi.ReefBackend;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A namespace's dead letters as a Reef shows them: every operation is put to the authorizer, a
 * replay is also checked as the send it amounts to (SPEC §8), and a replay that cannot succeed is
 * refused with the reason before anything is sent.
 */
final class AuthorizedDeadLetters implements DeadLetters {
  private final ReefBackend backend;
  private final Lifecycle lifecycle;
  private final Access access;
  private final Outbox outbox;

  AuthorizedDeadLetters(ReefBackend backend, Lifecycle lifecycle, Access access, Outbox outbox) {
    this.backend = backend;
    this.lifecycle = lifecycle;
    this.access = access;
    this.outbox = outbox;
  }

  @Override
  public List<DeadLetter> list() {
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.DEAD_LETTER_LIST, null));
    return backend.deadLetters().list();
  }

  @Override
  public CompletableFuture<Void> replay(String id, ReplayOptions options) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(options, "options");
    lifecycle.ensureOpen();
    return backend.deadLetters().replay(id, prepare(options));
  }

  @Override
  public CompletableFuture<ReplayReport> replayAll(ReplayOptions options) {
    Objects.requireNonNull(options, "options");
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.DEAD_LETTER_LIST, null));
    return backend.deadLetters().replayAll(prepare(options));
  }

  @Override
  public int purge() {
    lifecycle.ensureOpen();
    access.check(AccessRequest.operator(Action.DEAD_LETTER_PURGE, null));
    return backend.deadLetters().purge();
  }

  /** What each replay checks, and the spore it sends back. */
  private Function<DeadLetter, Spore> prepare(ReplayOptions options) {
    return letter -> {
      Spore spore = letter.spore().orElseThrow(() -> new ReplayRefusedException(letter.id(),
          "it was never a valid spore (" + letter.error() + "); purge it or read its raw payload"));
      access.check(new AccessRequest(Action.DEAD_LETTER_REPLAY, letter.channel(), null, letter.agent(), spore));
      if (letter.integrity() != DeadLetter.Integrity.VERIFIED && !options.force()) {
        throw new ReplayRefusedException(letter.id(), (letter.integrity() == DeadLetter.Integrity.TAMPERED
            ? "its integrity check fails: it was changed, or forged by someone without the namespace's dead-letter key"
            : "nothing shows that a Reef of this namespace wrote it (no integrity check this Reef can verify)")
            + "; replay it with force to send it anyway, as your own");
      }
      if (spore.type() == SporeType.REQUEST && !letter.replyAddress().map(backend::isReplyAddressOpen).orElse(false)) {
        throw new ReplayRefusedException(letter.id(), "it is a request from '" + spore.fromAgent()
            + "', which no longer listens for its reply; ask again instead");
      }
      Spore sent = spore;
      Instant now = Instant.now();
      if (spore.isExpiredAt(now)) {
        if (!options.refreshExpiry()) {
          throw new ReplayRefusedException(letter.id(), "it expired at " + spore.expiresAt()
              + " and would be dropped unhandled; replay it with a refreshed expiry to send it anyway");
        }
        if (spore.metadata().has(SporeSigning.METADATA_KEY)) {
          throw new ReplayRefusedException(letter.id(), "it expired, and it is signed: a new expiry would break"
              + " its signature");
        }
        Duration timeToLive = Duration.between(spore.createdAt(), spore.expiresAt());
        sent = spore.toBuilder().expiresAt(now.plus(timeToLive.isNegative() || timeToLive.isZero()
            ? Duration.ofMinutes(1) : timeToLive)).build();
      }
      outbox.admitReplay(letter.channel(), sent);
      return sent;
    };
  }
}
