package dev.reef;

import dev.reef.spore.Spore;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A spore that could not be handled, kept with why (SPEC §3.9). Made by backends with {@link
 * #builder()}; immutable.
 */
public final class DeadLetter {

  /** Whether a dead letter is what a Reef of its namespace wrote (SPEC §8). */
  public enum Integrity {
    /**
     * Written by a Reef of the namespace and unchanged since: its integrity check holds, or the
     * backend keeps dead letters where nothing else can write (in memory).
     */
    VERIFIED,
    /**
     * Nothing shows who wrote it: it carries no integrity check that this Reef can verify (no shared
     * dead-letter key here, or none when it was written), and its writer is not vouched for otherwise.
     */
    UNVERIFIED,
    /** Its integrity check fails: it was changed after it was written, or forged without the key. */
    TAMPERED
  }

  private final String id;
  private final Spore spore;
  private final String rawPayload;
  private final String channel;
  private final String agent;
  private final String error;
  private final int attempts;
  private final Instant deadLetteredAt;
  private final String replyAddress;
  private final String publisher;
  private final Integrity integrity;

  private DeadLetter(Builder builder) {
    this.id = Objects.requireNonNull(builder.id, "id");
    this.spore = builder.spore;
    this.rawPayload = builder.rawPayload;
    this.channel = Objects.requireNonNull(builder.channel, "channel");
    this.agent = Objects.requireNonNull(builder.agent, "agent");
    this.error = Objects.requireNonNull(builder.error, "error");
    this.attempts = builder.attempts;
    this.deadLetteredAt = Objects.requireNonNull(builder.deadLetteredAt, "deadLetteredAt");
    this.replyAddress = builder.replyAddress;
    this.publisher = builder.publisher;
    this.integrity = Objects.requireNonNull(builder.integrity, "integrity");
    if (spore == null && rawPayload == null) {
      throw new IllegalArgumentException("a dead letter holds a spore or, when it could not be decoded, its raw payload");
    }
  }

  /** A builder; id, channel, agent, error, time and the spore (or raw payload) are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * This dead letter's id, for {@link DeadLetters#replay}: the id of its spore when it has one (so
   * that the id in the logs finds it), unique among the dead letters of the namespace.
   */
  public String id() {
    return id;
  }

  /** The spore; empty when the message could not even be decoded. */
  public Optional<Spore> spore() {
    return Optional.ofNullable(spore);
  }

  /** For an undecodable message, its body as text (truncated). */
  public Optional<String> rawPayload() {
    return Optional.ofNullable(rawPayload);
  }

  /** The channel it came through. */
  public String channel() {
    return channel;
  }

  /** The agent that gave up on it. */
  public String agent() {
    return agent;
  }

  /** The handler's error or the decoding problem. */
  public String error() {
    return error;
  }

  /** How many handler attempts were made (0 for undecodable or rejected messages). */
  public int attempts() {
    return attempts;
  }

  /** When it was dead-lettered. */
  public Instant deadLetteredAt() {
    return deadLetteredAt;
  }

  /** For a request, where its reply was to go: a replay can answer only a requester still listening there. */
  public Optional<String> replyAddress() {
    return Optional.ofNullable(replyAddress);
  }

  /** The user the transport verified as the spore's original publisher, when it knows one. */
  public Optional<String> publisher() {
    return Optional.ofNullable(publisher);
  }

  /**
   * Whether this dead letter is what a Reef of the namespace wrote. A replay refuses anything but
   * {@link Integrity#VERIFIED} unless forced ({@link ReplayOptions#force(boolean)}).
   */
  public Integrity integrity() {
    return integrity;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof DeadLetter that && id.equals(that.id) && Objects.equals(spore, that.spore)
        && Objects.equals(rawPayload, that.rawPayload) && channel.equals(that.channel) && agent.equals(that.agent)
        && error.equals(that.error) && attempts == that.attempts && deadLetteredAt.equals(that.deadLetteredAt)
        && Objects.equals(replyAddress, that.replyAddress) && Objects.equals(publisher, that.publisher)
        && integrity == that.integrity;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, channel, agent, deadLetteredAt);
  }

  @Override
  public String toString() {
    return "DeadLetter[" + id + " on '" + channel + "' for '" + agent + "' after " + attempts + " attempt(s): "
        + error + (integrity == Integrity.VERIFIED ? "" : ", " + integrity) + "]";
  }

  /** Builds a {@link DeadLetter}. */
  public static final class Builder {
    private String id;
    private Spore spore;
    private String rawPayload;
    private String channel;
    private String agent;
    private String error;
    private int attempts;
    private Instant deadLetteredAt;
    private String replyAddress;
    private String publisher;
    private Integrity integrity = Integrity.UNVERIFIED; // a backend says when it can vouch for one

    private Builder() {}

    /** The dead letter's id. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** The spore, when it could be decoded. */
    public Builder spore(Spore spore) {
      this.spore = spore;
      return this;
    }

    /** The body of a message that could not be decoded, as text. */
    public Builder rawPayload(String rawPayload) {
      this.rawPayload = rawPayload;
      return this;
    }

    /** The channel it came through. */
    public Builder channel(String channel) {
      this.channel = channel;
      return this;
    }

    /** The agent that gave up on it. */
    public Builder agent(String agent) {
      this.agent = agent;
      return this;
    }

    /** Why. */
    public Builder error(String error) {
      this.error = error;
      return this;
    }

    /** Handler attempts made. */
    public Builder attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must not be negative, got " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    /** When. */
    public Builder deadLetteredAt(Instant deadLetteredAt) {
      this.deadLetteredAt = deadLetteredAt;
      return this;
    }

    /** For a request: its reply address. */
    public Builder replyAddress(String replyAddress) {
      this.replyAddress = replyAddress;
      return this;
    }

    /** The verified user who published the spore originally. */
    public Builder publisher(String publisher) {
      this.publisher = publisher;
      return this;
    }

    /**
     * Whether the dead letter is what a Reef of the namespace wrote; default {@link
     * Integrity#VERIFIED}, for backends that keep dead letters where nothing else can write. A
     * backend whose dead letters others can write (a shared broker) sets what its check found.
     */
    public Builder integrity(Integrity integrity) {
      this.integrity = Objects.requireNonNull(integrity, "integrity");
      return this;
    }

    /** Builds and checks the dead letter. */
    public DeadLetter build() {
      return new DeadLetter(this);
    }
  }
}
