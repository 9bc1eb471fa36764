package dev.reef.spore;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A spore: one typed JSON message between agents (SPEC §2). Immutable; every instance is valid.
 *
 * <p>Build one with {@link #builder(SporeType)}; Reef sets {@code id} and {@code createdAt}. Nullable
 * components are {@code toAgent} (null only for broadcasts), {@code knowledge}, {@code expiresAt} and
 * {@code replyTo}. Timestamps carry microsecond precision, as on the wire.
 *
 * @param id UUID, set by Reef
 * @param type the kind of spore
 * @param fromAgent the sender's agent name
 * @param toAgent the recipient's agent name, or null for a spore to every agent on the channel
 * @param knowledge the payload, a JSON object, or null
 * @param createdAt when the spore was made, set by Reef
 * @param expiresAt after this instant the spore is never handed to a handler, or null
 * @param priority 1..10, higher first among waiting spores
 * @param replyTo for a response, the id of the request it answers; else null
 * @param causedBy the id of the spore whose handler sent this one (SPEC §3.15), set by Reef; else null
 * @param metadata free-form JSON that travels with the spore, never null
 * @param knowledgeReferences references that travel with the spore, never null
 * @param dataReferences references that travel with the spore, never null
 */
public record Spore(
    String id,
    SporeType type,
    String fromAgent,
    String toAgent,
    JsonDocument knowledge,
    Instant createdAt,
    Instant expiresAt,
    int priority,
    String replyTo,
    String causedBy,
    JsonDocument metadata,
    List<String> knowledgeReferences,
    List<String> dataReferences) {

  /** The lowest priority. */
  public static final int MIN_PRIORITY = 1;
  /** The highest priority. */
  public static final int MAX_PRIORITY = 10;
  /** The priority of a spore that does not set one. */
  public static final int DEFAULT_PRIORITY = 5;

  /** Validates every field; see SPEC §2. */
  public Spore {
    requireUuid(id);
    if (type == null) {
      throw new InvalidSporeException("spore_type", "must not be null");
    }
    requireName("from_agent", fromAgent);
    if (toAgent != null) {
      String problem = Names.addressProblem(toAgent); // an agent name, or AGENT@SITE
      if (problem != null) {
        throw new InvalidSporeException("to_agent", "recipient " + Names.quote(toAgent) + " " + problem);
      }
    } else if (type == SporeType.REQUEST || type == SporeType.RESPONSE) {
      throw new InvalidSporeException("to_agent", "a " + type.wireValue() + " needs a recipient");
    }
    if (type == SporeType.BROADCAST && toAgent != null) {
      throw new InvalidSporeException("to_agent", "a broadcast goes to every agent, so to_agent must be null");
    }
    if (createdAt == null) {
      throw new InvalidSporeException("created_at", "must not be null");
    }
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new InvalidSporeException(
          "priority", priority + " is out of range " + MIN_PRIORITY + ".." + MAX_PRIORITY);
    }
    if (type == SporeType.RESPONSE && (replyTo == null || replyTo.isEmpty())) {
      throw new InvalidSporeException("reply_to", "a response must name the request it answers");
    }
    createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
    expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
    replyTo = replyTo == null || replyTo.isEmpty() ? null : replyTo;
    causedBy = causedBy == null || causedBy.isEmpty() ? null : causedBy;
    metadata = metadata == null ? JsonDocument.empty() : metadata;
    knowledgeReferences = copyReferences("knowledge_references", knowledgeReferences);
    dataReferences = copyReferences("data_references", dataReferences);
    // The String caches its hash: computed here, on the sending (or decoding) thread, rather than on
    // the receiving agent's worker, where the duplicate window (SPEC §3.10) needs it for every spore.
    id.hashCode();
  }

  /**
   * A builder for a new spore of {@code type}; knowledge and metadata given as objects are written
   * with {@link JsonMapping#defaults()}.
   */
  public static Builder builder(SporeType type) {
    return new Builder(type, JsonMapping.defaults());
  }

  /** A builder for a new spore of {@code type} whose knowledge and metadata are written with {@code mapping}. */
  public static Builder builder(SporeType type, JsonMapping mapping) {
    return new Builder(type, Objects.requireNonNull(mapping, "mapping"));
  }

  /** A builder holding every field of this spore, id and creation time included. */
  public Builder toBuilder() {
    Builder builder = new Builder(type, knowledge != null ? knowledge.mapping() : JsonMapping.defaults());
    builder.id = id;
    builder.fromAgent = fromAgent;
    builder.toAgent = toAgent;
    builder.knowledge = knowledge;
    builder.createdAt = createdAt;
    builder.expiresAt = expiresAt;
    builder.priority = priority;
    builder.replyTo = replyTo;
    builder.causedBy = causedBy;
    builder.metadata = metadata;
    builder.knowledgeReferences = knowledgeReferences;
    builder.dataReferences = dataReferences;
    return builder;
  }

  /**
   * The knowledge read as {@code type} (a record or bean) with the mapping of the Reef that delivered
   * the spore, or null when the spore carries none.
   *
   * @throws IllegalArgumentException naming the type and what does not fit
   */
  public <T> T knowledge(Class<T> type) {
    return knowledge == null ? null : knowledge.as(type);
  }

  /** True when the spore goes to every agent on its channel rather than one. */
  public boolean isBroadcast() {
    return toAgent == null;
  }

  /** True when {@code expiresAt} is set and not after {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now);
  }

  /** The size of the encoded knowledge in UTF-8 bytes (4 for {@code null}). */
  public int knowledgeBytes() {
    return knowledge == null ? 4 : knowledge.byteSize();
  }

  private static void requireUuid(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidSporeException("id", "must not be empty");
    }
    if (!isCanonicalUuid(id)) {
      throw new InvalidSporeException("id", Names.quote(id) + " is not a UUID (8-4-4-4-12 hex digits)");
    }
  }

  /**
   * The 8-4-4-4-12 hex form. Checked by table, without a branch per character, because it runs for
   * every spore made or decoded and random hex digits defeat branch prediction (3 times faster).
   */
  private static boolean isCanonicalUuid(String id) {
    if (id.length() != 36) {
      return false;
    }
    int wrong = 0;
    for (int i = 0; i < 36; i++) {
      int c = id.charAt(i);
      wrong |= (c >>> 7) | (UUID_CHAR_CLASS[c & 0x7F] ^ UUID_PATTERN[i]);
    }
    return wrong == 0;
  }

  /** Per ASCII character: 1 for a hex digit, 2 for '-', else 0. */
  private static final byte[] UUID_CHAR_CLASS = new byte[128];
  /** Per position of the canonical form: the class expected there. */
  private static final byte[] UUID_PATTERN = new byte[36];

  static {
    for (char c : "0123456789abcdefABCDEF".toCharArray()) {
      UUID_CHAR_CLASS[c] = 1;
    }
    UUID_CHAR_CLASS['-'] = 2;
    for (int i = 0; i < 36; i++) {
      UUID_PATTERN[i] = (byte) (i == 8 || i == 13 || i == 18 || i == 23 ? 2 : 1);
    }
  }

  /**
   * A random (version 4) UUID from {@link ThreadLocalRandom}: spore ids need uniqueness, not
   * unpredictability, and {@link UUID#randomUUID()} serializes every sender on one SecureRandom.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least).toString();
  }

  private static void requireName(String field, String name) {
    String problem = Names.problem(name);
    if (problem != null) {
      throw new InvalidSporeException(field, "agent name " + Names.quote(name) + " " + problem);
    }
  }

  private static List<String> copyReferences(String field, List<String> references) {
    if (references == null) {
      return List.of();
    }
    for (String reference : references) {
      if (reference == null) {
        throw new InvalidSporeException(field, "must not contain null");
      }
    }
    return List.copyOf(references);
  }

  /** Builds a {@link Spore}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private final SporeType type;
    private final JsonMapping mapping;
    private String id;
    private String fromAgent;
    private String toAgent;
    private JsonDocument knowledge;
    private Instant createdAt;
    private Instant expiresAt;
    private int priority = DEFAULT_PRIORITY;
    private String replyTo;
    private String causedBy;
    private JsonDocument metadata = JsonDocument.empty();
    private Map<String, Object> metadataFields;
    private List<String> knowledgeReferences = List.of();
    private List<String> dataReferences = List.of();

    private Builder(SporeType type, JsonMapping mapping) {
      this.type = Objects.requireNonNull(type, "type");
      this.mapping = mapping;
    }

    /** The sender's agent name. */
    public Builder from(String agentName) {
      this.fromAgent = agentName;
      return this;
    }

    /** The recipient's agent name; leave unset for a broadcast. */
    public Builder to(String agentName) {
      this.toAgent = agentName;
      return this;
    }

    /**
     * The payload: a record, a bean, a map, a Jackson object node or a {@link JsonDocument}, written
     * with this builder's mapping; null for none.
     *
     * @throws InvalidSporeException when it is not a JSON object
     */
    public Builder knowledge(Object knowledge) {
      this.knowledge = knowledge == null ? null : document("knowledge", knowledge);
      return this;
    }

    /** Expires the spore at {@code instant}; null for never. */
    public Builder expiresAt(Instant instant) {
      this.expiresAt = instant;
      return this;
    }

    /** Expires the spore {@code ttl} after it is built. */
    public Builder expiresIn(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative()) {
        throw new InvalidSporeException("expires_at", "time to live " + ttl + " is negative");
      }
      this.expiresAt = Instant.now().plus(ttl);
      return this;
    }

    /** 1..10; default 5. Checked by {@link #build()}. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** For a response: the id of the request it answers. */
    public Builder replyTo(String requestId) {
      this.replyTo = requestId;
      return this;
    }

    /** The id of the spore whose handling caused this one. Reef sets it; this is for decoders and tests. */
    public Builder causedBy(String sporeId) {
      this.causedBy = sporeId;
      return this;
    }

    /** Replaces the metadata with a JSON object (anything {@link JsonDocument#of} accepts). */
    public Builder metadata(Object metadata) {
      this.metadata = metadata == null ? JsonDocument.empty() : document("metadata", metadata);
      this.metadataFields = null;
      return this;
    }

    /** Adds one metadata field; its value is any JSON-mappable value. */
    public Builder metadata(String key, Object value) {
      Objects.requireNonNull(key, "metadata key");
      if (metadataFields == null) {
        // Most spores have no metadata yet (a reply getting its traceparent): skip converting nothing.
        metadataFields = metadata.isEmpty() ? new java.util.LinkedHashMap<>()
            : new java.util.LinkedHashMap<>(metadata.toMap());
      }
      metadataFields.put(key, value);
      return this;
    }

    /** References that travel with the spore. */
    public Builder knowledgeReferences(List<String> references) {
      this.knowledgeReferences = references == null ? List.of() : new ArrayList<>(references);
      return this;
    }

    /** References that travel with the spore. */
    public Builder dataReferences(List<String> references) {
      this.dataReferences = references == null ? List.of() : new ArrayList<>(references);
      return this;
    }

    /** Sets the id. Reef sets it; this is for decoders and tests. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets the creation time. Reef sets it; this is for decoders and tests. */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    /**
     * Builds the spore, giving it a fresh id and creation time unless set.
     *
     * @throws InvalidSporeException naming the first invalid field
     */
    public Spore build() {
      JsonDocument meta = metadataFields == null ? metadata : document("metadata", metadataFields);
      return new Spore(
          id != null ? id : newId(),
          type,
          fromAgent,
          toAgent,
          knowledge,
          createdAt != null ? createdAt : Instant.now(),
          expiresAt,
          priority,
          replyTo,
          causedBy,
          meta,
          knowledgeReferences,
          dataReferences);
    }

    private JsonDocument document(String field, Object value) {
      try {
        return JsonDocument.of(value, mapping);
      } catch (IllegalArgumentException e) {
        throw new InvalidSporeException(field, e.getMessage());
      }
    }
  }
}
