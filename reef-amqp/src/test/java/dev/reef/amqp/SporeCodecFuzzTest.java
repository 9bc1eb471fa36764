package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.ContentHeaderPropertyWriter;
import com.rabbitmq.client.impl.LongStringHelper;
import dev.reef.spore.Timestamps;
import dev.reef.spore.JsonMapping;
import dev.reef.spore.Spore;
import dev.reef.spore.SporeType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The AMQP decoder against whatever a hostile or broken publisher can put on the wire (SPEC §4): random
 * headers (random keys; values of every AMQP field type, nested tables and arrays, null), random
 * bodies (bytes, JSON of any shape, empty, larger than the limit) and random properties. Every
 * message goes through the client's own frame writer and reader first, so the decoder sees exactly
 * what a consumer receives.
 *
 * <p>The rule: no exception escapes; every message is either a valid spore, which encodes and decodes
 * again to the same spore, or a dead letter with a reason.
 */
class SporeCodecFuzzTest {
  /** Per property; random generation only, as combined edge cases cost more to make than they find. */
  private static final int TRIES = 2000;
  private static final int MAX_BODY = 64 * 1024;
  private static final SporeCodec DECODER = new SporeCodec(MAX_BODY);
  private static final SporeCodec ENCODER = new SporeCodec(MAX_BODY, "fuzz-user", JsonMapping.defaults());
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final List<String> SPORE_HEADERS = List.of(SporeCodec.SPORE_ID, SporeCodec.SPORE_TYPE,
      SporeCodec.FROM_AGENT, SporeCodec.TO_AGENT, SporeCodec.CREATED_AT, SporeCodec.EXPIRES_AT, SporeCodec.PRIORITY,
      SporeCodec.REPLY_TO, SporeCodec.VERSION, SporeCodec.METADATA, SporeCodec.KNOWLEDGE_REFERENCES,
      SporeCodec.DATA_REFERENCES, SporeCodec.TRACEPARENT, SporeCodec.ATTEMPT);

  /** A message as a consumer receives it. */
  record Message(AMQP.BasicProperties properties, byte[] body) {
    @Override
    public String toString() {
      String text = body == null ? "null" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
      return "Message[properties=" + properties + ", body(" + (body == null ? 0 : body.length) + " bytes)=" + text + "]";
    }
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void anyMessageIsAValidSporeOrADeadLetterWithAReason(@ForAll("anyMessage") Message message) {
    checkOutcome(message, 2);
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void aSporeDamagedAnyWayIsAValidSporeOrADeadLetterWithAReason(@ForAll("damagedSpore") Message message) {
    checkOutcome(message, 10);
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void everySporeSurvivesTheWire(@ForAll("spore") Spore spore, @ForAll("replyAddress") String replyAddress,
      @ForAll("attempt") int attempt) {
    SporeCodec.Encoded encoded = ENCODER.encode(spore, replyAddress, attempt, Instant.now());

    SporeCodec.Decoded decoded = DECODER.decode(wire(encoded.properties()), encoded.body());

    assertThat(decoded).isInstanceOf(SporeCodec.Decoded.Valid.class);
    SporeCodec.Decoded.Valid valid = (SporeCodec.Decoded.Valid) decoded;
    assertThat(valid.spore()).isEqualTo(spore);
    assertThat(valid.attempt()).isEqualTo(attempt);
    assertThat(valid.replyAddress()).isEqualTo(replyAddress);
    assertThat(valid.userId()).isEqualTo("fuzz-user");
  }

  // --- the rule ---

  /**
   * Checks the rule for one message; over all tries, at least {@code minShare} percent of the
   * messages must be valid spores and as many dead letters, so that both paths are really exercised.
   */
  private static void checkOutcome(Message message, double minShare) {
    SporeCodec.Decoded decoded = null;
    try {
      decoded = DECODER.decode(message.properties(), message.body());
    } catch (Throwable escaped) {
      fail("the decoder threw instead of giving a reason", escaped);
    }
    if (decoded instanceof SporeCodec.Decoded.Malformed malformed) {
      Statistics.label("outcome").collect("dead letter");
      assertThat(malformed.reason()).as("reason of the dead letter").isNotBlank();
      // A reason is logged and kept with the dead letter: it names the problem, it does not echo the message.
      assertThat(malformed.reason().length()).as("length of the reason").isLessThan(1_000);
    } else if (decoded instanceof SporeCodec.Decoded.Valid valid) {
      Statistics.label("outcome").collect("valid spore");
      assertThat(valid.attempt()).isPositive();
      assertThat(valid.userId()).isEqualTo(emptyToNull(message.properties().getUserId()));
      assertSurvivesAnotherTrip(valid);
    } else {
      fail("the decoder returned " + decoded);
    }
    Statistics.label("outcome").coverage(coverage -> {
      coverage.check("valid spore").percentage(share -> share >= minShare);
      coverage.check("dead letter").percentage(share -> share >= minShare);
    });
  }

  /** A spore read once is what any retry, dead letter or replay sends again: it must read the same. */
  private static void assertSurvivesAnotherTrip(SporeCodec.Decoded.Valid valid) {
    SporeCodec.Encoded again = ENCODER.encode(valid.spore(), valid.replyAddress(), valid.attempt(), Instant.now());
    SporeCodec.Decoded decoded = DECODER.decode(wire(again.properties()), again.body());
    assertThat(decoded).as("the spore encoded again").isInstanceOf(SporeCodec.Decoded.Valid.class);
    SporeCodec.Decoded.Valid second = (SporeCodec.Decoded.Valid) decoded;
    assertThat(second.spore()).isEqualTo(valid.spore());
    assertThat(second.attempt()).isEqualTo(valid.attempt());
    assertThat(second.replyAddress()).isEqualTo(valid.replyAddress());
  }

  // --- messages: entirely random ---

  @Provide
  Arbitrary<Message> anyMessage() {
    Arbitrary<Map<String, Object>> headers = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(null)),
        Tuple.of(2, Arbitraries.maps(headerName(), fieldValue()).ofMaxSize(8)),
        Tuple.of(7, sporeLikeHeaders()));
    return Combinators.combine(headers, properties(), body()).as((table, properties, body) ->
        new Message(wire(properties.builder().headers(table).build()), body));
  }

  /** Headers with the names a spore has, most of them with plausible values, some missing or garbled. */
  private Arbitrary<Map<String, Object>> sporeLikeHeaders() {
    List<Arbitrary<Object>> perHeader = new ArrayList<>();
    for (String name : SPORE_HEADERS) {
      perHeader.add(Arbitraries.frequencyOf(
          Tuple.of(1, Arbitraries.just(Absent.INSTANCE)),
          Tuple.of(25, plausible(name).map(SporeCodecFuzzTest::asHeaderText)),
          Tuple.of(1, fieldValue())));
    }
    Arbitrary<Map<String, Object>> extra = Arbitraries.maps(headerName(), fieldValue()).ofMaxSize(3);
    return Combinators.combine(Combinators.combine(perHeader).as(values -> values), extra).as((values, more) -> {
      Map<String, Object> table = new LinkedHashMap<>(more);
      for (int i = 0; i < SPORE_HEADERS.size(); i++) {
        if (values.get(i) != Absent.INSTANCE) {
          table.put(SPORE_HEADERS.get(i), values.get(i));
        }
      }
      return table;
    });
  }

  /** Text as a client may send it: a long string, a plain string, or bytes. */
  private static Object asHeaderText(String text) {
    int kind = Math.floorMod(text.hashCode(), 10);
    return kind == 0 ? text.getBytes(StandardCharsets.UTF_8) : LongStringHelper.asLongString(text);
  }

  private Arbitrary<String> plausible(String header) {
    Arbitrary<String> garbage = Arbitraries.strings().all().ofMaxLength(40);
    Arbitrary<String> names = Arbitraries.frequencyOf(
        Tuple.of(30, Arbitraries.of("alice", "bob", "agent_7", "a-b")),
        Tuple.of(1, Arbitraries.strings().withChars("abXY09_-").ofMinLength(100).ofMaxLength(200)),
        Tuple.of(1, garbage));
    Arbitrary<String> value = switch (header) {
      case SporeCodec.SPORE_ID -> Arbitraries.frequencyOf(
          Tuple.of(30, Arbitraries.create(() -> UUID.randomUUID().toString())),
          Tuple.of(1, Arbitraries.create(() -> UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT))),
          Tuple.of(1, garbage));
      case SporeCodec.SPORE_TYPE -> Arbitraries.frequencyOf(
          Tuple.of(30, Arbitraries.of("knowledge", "request", "response", "broadcast", "notification")),
          Tuple.of(1, Arbitraries.of("KNOWLEDGE", " request", "query", "")),
          Tuple.of(1, garbage));
      case SporeCodec.FROM_AGENT -> names;
      case SporeCodec.TO_AGENT -> Arbitraries.oneOf(names, Arbitraries.just(""));
      case SporeCodec.CREATED_AT, SporeCodec.EXPIRES_AT -> timestampText();
      case SporeCodec.PRIORITY -> Arbitraries.frequencyOf(
          Tuple.of(30, Arbitraries.integers().between(1, 10).map(String::valueOf)),
          Tuple.of(1, Arbitraries.of("0", "11", "-3", " 7 ", "5.0", "99999999999", "")),
          Tuple.of(1, garbage));
      case SporeCodec.REPLY_TO -> Arbitraries.oneOf(Arbitraries.just(""),
          Arbitraries.create(() -> UUID.randomUUID().toString()), garbage);
      case SporeCodec.VERSION -> Arbitraries.of("1.0", "1.0", "1.7", "2.0", "", "x");
      case SporeCodec.METADATA -> Arbitraries.frequencyOf(
          Tuple.of(30, jsonObject().map(SporeCodecFuzzTest::json)),
          Tuple.of(2, jsonValue().map(SporeCodecFuzzTest::json)),
          Tuple.of(1, Arbitraries.just("")),
          Tuple.of(1, garbage));
      case SporeCodec.KNOWLEDGE_REFERENCES, SporeCodec.DATA_REFERENCES -> Arbitraries.frequencyOf(
          Tuple.of(30, Arbitraries.strings().all().ofMaxLength(10).list().ofMaxSize(4).map(SporeCodecFuzzTest::json)),
          Tuple.of(2, jsonValue().map(SporeCodecFuzzTest::json)),
          Tuple.of(1, Arbitraries.just("")),
          Tuple.of(1, garbage));
      case SporeCodec.TRACEPARENT -> Arbitraries.oneOf(
          Arbitraries.just("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), Arbitraries.just("  "), garbage);
      case SporeCodec.ATTEMPT -> Arbitraries.frequencyOf(
          Tuple.of(30, Arbitraries.integers().between(1, 5).map(String::valueOf)),
          Tuple.of(2, Arbitraries.of("0", "-1", "2147483648", "")),
          Tuple.of(1, garbage));
      default -> garbage;
    };
    return value;
  }

  private Arbitrary<String> timestampText() {
    Arbitrary<Instant> ordinary = Arbitraries.longs().between(0, 4_102_444_800_000_000L) // 1970 .. 2100, in µs
        .map(micros -> Instant.EPOCH.plusNanos(micros * 1_000));
    Arbitrary<Instant> instants = Arbitraries.frequencyOf(
        Tuple.of(6, ordinary),
        Tuple.of(1, Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L) // years 1 .. 9999
            .map(Instant::ofEpochSecond)),
        Tuple.of(1, Arbitraries.of(LocalDateTime.MIN.toInstant(ZoneOffset.UTC), LocalDateTime.MAX.toInstant(ZoneOffset.UTC),
            Instant.EPOCH,
            LocalDateTime.of(10_000, 1, 1, 0, 0).toInstant(ZoneOffset.UTC),
            LocalDateTime.of(-1, 12, 31, 23, 59, 59).toInstant(ZoneOffset.UTC))));
    return Arbitraries.frequencyOf(
        Tuple.of(20, instants.map(Timestamps::format)),
        Tuple.of(2, ordinary.map(at -> LocalDateTime.ofInstant(at, ZoneOffset.UTC).toString())), // Praval's naive form
        Tuple.of(1, ordinary.map(at -> at.atOffset(ZoneOffset.ofHours(-7)).toString())),
        Tuple.of(1, Arbitraries.of("", "2026-02-30T10:00:00", "2026-01-01", "yesterday", "2026-01-01T25:00:00+00:00",
            "+999999999-12-31T23:59:59.999999+00:00")),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)));
  }

  // --- messages: a valid spore, then damaged ---

  @Provide
  Arbitrary<Message> damagedSpore() {
    Arbitrary<Message> valid = Combinators.combine(spore(), replyAddress(), attempt()).as((spore, address, attempt) -> {
      SporeCodec.Encoded encoded = ENCODER.encode(spore, address, attempt, Instant.now());
      return new Message(encoded.properties(), encoded.body());
    });
    Arbitrary<Damage> damage = Arbitraries.frequencyOf(
        Tuple.of(3, Combinators.combine(Arbitraries.of(SPORE_HEADERS), Arbitraries.just(Absent.INSTANCE))
            .as(Damage::header)),
        Tuple.of(4, Combinators.combine(Arbitraries.of(SPORE_HEADERS), fieldValue()).as(Damage::header)),
        Tuple.of(4, Arbitraries.of(SPORE_HEADERS).flatMap(name -> plausible(name).map(text -> Damage.header(name, text)))),
        Tuple.of(1, Combinators.combine(headerName(), fieldValue()).as(Damage::header)),
        Tuple.of(3, body().map(Damage::body)),
        Tuple.of(2, Arbitraries.integers().between(0, 10_000).map(Damage::flipByte)),
        Tuple.of(1, Arbitraries.integers().between(0, 10_000).map(Damage::truncate)),
        Tuple.of(2, properties().map(Damage::properties)));
    return Combinators.combine(valid, damage.list().ofMinSize(1).ofMaxSize(3)).as((message, damages) -> {
      Message damaged = message;
      for (Damage each : damages) {
        damaged = each.apply(damaged);
      }
      return new Message(wire(damaged.properties()), damaged.body());
    });
  }

  /** One thing wrong with a message. */
  private record Damage(Kind kind, String header, Object value, byte[] body, int at,
      AMQP.BasicProperties properties) {
    enum Kind { HEADER, BODY, FLIP_BYTE, TRUNCATE, PROPERTIES }

    static Damage header(String name, Object value) {
      return new Damage(Kind.HEADER, name, value, null, 0, null);
    }

    static Damage body(byte[] body) {
      return new Damage(Kind.BODY, null, null, body, 0, null);
    }

    static Damage flipByte(int at) {
      return new Damage(Kind.FLIP_BYTE, null, null, null, at, null);
    }

    static Damage truncate(int at) {
      return new Damage(Kind.TRUNCATE, null, null, null, at, null);
    }

    static Damage properties(AMQP.BasicProperties properties) {
      return new Damage(Kind.PROPERTIES, null, null, null, 0, properties);
    }

    Message apply(Message message) {
      byte[] bytes = message.body();
      switch (kind) {
        case HEADER -> {
          Map<String, Object> headers = new HashMap<>(message.properties().getHeaders());
          if (value == Absent.INSTANCE) {
            headers.remove(header);
          } else {
            headers.put(header, value);
          }
          return new Message(message.properties().builder().headers(headers).build(), bytes);
        }
        case BODY -> {
          return new Message(message.properties(), body);
        }
        case PROPERTIES -> { // every property replaced, the spore's headers kept
          return new Message(properties.builder().headers(message.properties().getHeaders()).build(), bytes);
        }
        case TRUNCATE -> {
          return bytes == null || bytes.length == 0 ? message
              : new Message(message.properties(), Arrays.copyOf(bytes, at % bytes.length));
        }
        default -> {
          if (bytes == null || bytes.length == 0) {
            return message;
          }
          byte[] flipped = bytes.clone();
          flipped[at % bytes.length] ^= (byte) (1 << (at % 8));
          return new Message(message.properties(), flipped);
        }
      }
    }
  }

  /** Marks a header left out. */
  private enum Absent { INSTANCE }

  // --- spores ---

  @Provide
  Arbitrary<Spore> spore() {
    Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("a", "alice", "Bob-2", "x".repeat(128)),
        Arbitraries.strings().withChars("abcxyzABC019_-").ofMinLength(1).ofMaxLength(128));
    Arbitrary<Instant> instants = Arbitraries.longs().between(-62_135_596_800_000_000L, 253_402_300_799_999_999L)
        .map(micros -> Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000));
    Arbitrary<List<String>> references = Arbitraries.strings().all().ofMaxLength(20).list().ofMaxSize(3);
    Arbitrary<Spore.Builder> heads = Combinators.combine(Arbitraries.of(SporeType.class), names, names,
        Arbitraries.create(() -> UUID.randomUUID().toString()), instants, instants.injectNull(0.7),
        Arbitraries.integers().between(Spore.MIN_PRIORITY, Spore.MAX_PRIORITY))
        .as((type, from, to, replyTo, createdAt, expiresAt, priority) -> {
          Spore.Builder builder = Spore.builder(type).from(from).createdAt(createdAt).expiresAt(expiresAt)
              .priority(priority);
          if (type != SporeType.BROADCAST) {
            builder.to(to);
          }
          if (type == SporeType.RESPONSE) {
            builder.replyTo(replyTo);
          }
          return builder;
        });
    Arbitrary<String> causes = Arbitraries.create(() -> UUID.randomUUID().toString()).injectNull(0.5);
    return Combinators.combine(heads, jsonObject().injectNull(0.2), jsonObject(), references, references, causes)
        .as((builder, knowledge, metadata, knowledgeReferences, dataReferences, causedBy) -> builder.knowledge(knowledge)
            .metadata(metadata).knowledgeReferences(knowledgeReferences).dataReferences(dataReferences)
            .causedBy(causedBy).build());
  }

  @Provide
  Arbitrary<String> replyAddress() {
    // A reply address is a queue name Reef makes: well-formed text of at most 255 UTF-8 bytes.
    return Arbitraries.oneOf(Arbitraries.just(null),
        Arbitraries.strings().withCharRange(' ', '\u07ff').ofMinLength(1).ofMaxLength(60));
  }

  @Provide
  Arbitrary<Integer> attempt() {
    return Arbitraries.integers().between(1, 20);
  }

  // --- building blocks ---

  private static Arbitrary<AMQP.BasicProperties> properties() {
    Arbitrary<String> shortText = Arbitraries.strings().all().ofMaxLength(60).injectNull(0.6);
    Arbitrary<String> userIds = Arbitraries.oneOf(Arbitraries.of("guest", "alice", ""), shortText);
    return Combinators.combine(shortText, shortText, userIds, shortText,
        Arbitraries.integers().between(0, 255).injectNull(0.5), Arbitraries.integers().between(0, 3).injectNull(0.5),
        Arbitraries.longs().between(0, 4_102_444_800L).map(seconds -> new Date(seconds * 1000)).injectNull(0.5),
        shortText)
        .as((contentType, replyTo, userId, correlationId, priority, deliveryMode, timestamp, expiration) ->
            new AMQP.BasicProperties.Builder().contentType(contentType).replyTo(replyTo).userId(userId)
                .correlationId(correlationId).messageId(correlationId).priority(priority).deliveryMode(deliveryMode)
                .timestamp(timestamp).expiration(expiration).build());
  }

  private static Arbitrary<byte[]> body() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
        Tuple.of(6, jsonObject().map(SporeCodecFuzzTest::jsonBytes)),
        Tuple.of(2, jsonValue().map(SporeCodecFuzzTest::jsonBytes)),
        Tuple.of(1, Arbitraries.of("null", "", " ", "{}", "{\"a\":1}{", "[]", "\"text\"", "nul", "{\"a\":1e400}")
            .map(text -> text.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.integers().between(MAX_BODY - 20, MAX_BODY).map(SporeCodecFuzzTest::bigJson)),
        Tuple.of(1, Arbitraries.integers().between(MAX_BODY + 1, 2 * MAX_BODY).map(size -> {
          byte[] huge = new byte[size];
          Arrays.fill(huge, (byte) ' ');
          huge[0] = '{';
          huge[size - 1] = '}';
          return huge;
        })),
        Tuple.of(1, Arbitraries.just(null)));
  }

  /** A JSON object of exactly {@code size} bytes. */
  private static byte[] bigJson(int size) {
    String prefix = "{\"blob\":\"";
    String suffix = "\"}";
    return (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.UTF_8);
  }

  private static Arbitrary<String> headerName() {
    return Arbitraries.oneOf(Arbitraries.of(SPORE_HEADERS), Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40));
  }

  /** Any value an AMQP field table can hold, nested tables and arrays included. */
  private static Arbitrary<Object> fieldValue() {
    return Arbitraries.recursive(SporeCodecFuzzTest::fieldLeaf, inner -> Arbitraries.oneOf(
        Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(20), inner).ofMaxSize(4).map(map -> (Object) map),
        inner.list().ofMaxSize(4).map(list -> (Object) list)), 0, 3);
  }

  private static Arbitrary<Object> fieldLeaf() {
    return Arbitraries.oneOf(List.of(
        Arbitraries.strings().all().ofMaxLength(50).map(LongStringHelper::asLongString),
        Arbitraries.strings().all().ofMaxLength(50),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(50),
        Arbitraries.integers(), Arbitraries.longs(), Arbitraries.shorts(), Arbitraries.bytes(),
        Arbitraries.doubles(), Arbitraries.floats(), Arbitraries.of(true, false),
        Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 20))
            .as((unscaled, scale) -> BigDecimal.valueOf(unscaled, scale)),
        Arbitraries.longs().between(0, 4_102_444_800L).map(seconds -> new Date(seconds * 1000)),
        Arbitraries.just(null)));
  }

  private static Arbitrary<Map<String, Object>> jsonObject() {
    return Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(12), jsonValue()).ofMaxSize(4);
  }

  /** Any JSON value: scalars of every kind, arrays and objects, nested a few levels. */
  private static Arbitrary<Object> jsonValue() {
    return Arbitraries.recursive(SporeCodecFuzzTest::jsonLeaf, inner -> Arbitraries.oneOf(
        Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(12), inner).ofMaxSize(3).map(map -> (Object) map),
        inner.list().ofMaxSize(3).map(list -> (Object) list)), 0, 3);
  }

  private static Arbitrary<Object> jsonLeaf() {
    return Arbitraries.oneOf(List.of(
        Arbitraries.strings().all().ofMaxLength(30), Arbitraries.integers(), Arbitraries.longs(),
        Arbitraries.doubles(), Arbitraries.of(true, false), Arbitraries.just(null),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
        Arbitraries.bigDecimals().ofScale(6), Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e308)));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] jsonBytes(Object value) {
    return json(value).getBytes(StandardCharsets.UTF_8);
  }

  private static String emptyToNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  /**
   * {@code properties} written by the client's frame writer and read back by its reader, as a consumer
   * receives them: strings become long strings, timestamps lose their milliseconds, and so on.
   */
  static AMQP.BasicProperties wire(AMQP.BasicProperties properties) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeShort(0); // weight
      out.writeLong(0); // body size
      properties.writePropertiesTo(new ContentHeaderPropertyWriter(out));
      out.flush();
      return new AMQP.BasicProperties(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
