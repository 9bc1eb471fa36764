package dev.reef.spore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.util.Objects;

/**
 * How knowledge turns into JSON and back: one Jackson {@link ObjectMapper} for every spore of a
 * {@code Reef} (SPEC §3.13). Knowledge may be the user's own records and classes; they are written
 * with this mapper when a spore is built and read with it by {@link Spore#knowledge(Class)}.
 *
 * <p>{@link #defaults()} knows {@code java.time} (written as ISO-8601 text, not numbers), {@code
 * Optional} and constructor parameter names, and ignores unknown fields when reading, so a record
 * need not declare the routing field {@code type} that the knowledge carries. It refuses to write a
 * JDK object such as a {@code Thread} getter by getter (a handler that returns one by mistake fails
 * with an error naming it, instead of replying with its internals). Give a Reef your own
 * mapper with {@code Reef.builder().objectMapper(mapper)}; start from {@link #newDefaultMapper()} to
 * keep these settings.
 *
 * <p>Immutable and thread-safe, as long as nobody reconfigures the mapper after handing it over.
 */
public final class JsonMapping {
  private static final JsonMapping DEFAULTS = new JsonMapping(newDefaultMapper());

  private final ObjectMapper mapper;

  private JsonMapping(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The mapping Reef uses unless told otherwise. */
  public static JsonMapping defaults() {
    return DEFAULTS;
  }

  /**
   * A mapping with {@code mapper}, used as it is.
   *
   * @throws NullPointerException when {@code mapper} is null
   */
  public static JsonMapping of(ObjectMapper mapper) {
    return new JsonMapping(Objects.requireNonNull(mapper, "mapper"));
  }

  /** A new mapper configured as {@link #defaults()} is: a starting point for your own. */
  public static ObjectMapper newDefaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .addModule(new ParameterNamesModule())
        .addModule(JdkObjectsRefused.module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  /** The mapper. Do not reconfigure it: documents made with it may be read at any time. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * {@code value} as a JSON object document: a record, a bean, a {@link java.util.Map}, a Jackson
   * {@code ObjectNode} or a {@link JsonDocument}.
   *
   * @throws IllegalArgumentException when it is null, is not a JSON object, or cannot be written
   */
  public JsonDocument document(Object value) {
    return JsonDocument.of(value, this);
  }

  /**
   * Reads {@code document} as {@code type}.
   *
   * @throws IllegalArgumentException naming the type and the field that does not fit
   */
  public <T> T read(JsonDocument document, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return read(document, mapper.constructType(type));
  }

  /** Reads {@code document} as a generic type, e.g. {@code new TypeReference<List<Order>>() {}}. */
  public <T> T read(JsonDocument document, TypeReference<T> type) {
    Objects.requireNonNull(type, "type");
    return read(document, mapper.constructType(type));
  }

  private <T> T read(JsonDocument document, JavaType type) {
    Objects.requireNonNull(document, "document");
    try {
      return mapper.readValue(document.toJson(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("knowledge " + document + " does not fit " + type.getTypeName() + ": "
          + e.getOriginalMessage(), e);
    }
  }

  /** Writes any value as JSON text (used for values that are not objects, e.g. in metadata). */
  String write(Object value) throws JsonProcessingException {
    return mapper.writeValueAsString(value);
  }

  @Override
  public String toString() {
    return this == DEFAULTS ? "JsonMapping[defaults]" : "JsonMapping[" + mapper.getClass().getSimpleName() + "]";
  }
}
