package dev.reef.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.ConnectionFactory;
import dev.reef.sites.Site;
import dev.reef.sites.SiteList;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One setting of the AMQP backend, and the table of them all. Each setting is written here once:
 * its URI query key, how the key's text is read, its default, and what it means. The URI query
 * ({@code amqp://host/vhost?queue_type=quorum}) and {@link AmqpBackendBuilder#set} both go through
 * this table, so a setting reads and checks the same either way.
 *
 * <pre>{@code
 * AmqpBackend backend = AmqpBackend.builder()
 *     .uri("amqps://agent:secret@rabbit-1:5671/prod")
 *     .set(AmqpOption.QUEUE_TYPE, QueueType.QUORUM)
 *     .set(AmqpOption.CA_CERTIFICATES, Path.of("/etc/reef/ca.pem"))
 *     .build();
 * }</pre>
 *
 * @param <T> the type of the setting's value
 */
public final class AmqpOption<T> {
  /** Above the broker's default {@code max_message_size}: a big message is dead-lettered, not fatal. */
  static final int MAX_INBOUND_BODY_BYTES = 128 * 1024 * 1024 + 1024 * 1024;

  private final String key;
  private final T defaultValue;
  private final Function<String, T> parser;
  private final UnaryOperator<T> check;
  private final String description;
  private final boolean secret;

  private AmqpOption(String key, T defaultValue, Function<String, T> parser, UnaryOperator<T> check,
      String description, boolean secret) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.check = check;
    this.description = description;
    this.secret = secret;
  }

  // ---- the table ----

  /** {@code addresses}: the cluster's nodes, {@code host[:port],...}; the URI's host when empty. */
  public static final AmqpOption<List<String>> ADDRESSES = new AmqpOption<>("addresses", List.of(),
      AmqpOption::addresses, AmqpOption::checkAddresses,
      "the cluster's nodes as host[:port],...; the client connects to one and fails over to the others"
          + " (default: the URI's host and port; the URI's user, password and virtual host still apply)", false);

  /** {@code queue_type}: {@code classic} (with priorities, the default) or {@code quorum}. */
  public static final AmqpOption<QueueType> QUEUE_TYPE = new AmqpOption<>("queue_type", QueueType.CLASSIC,
      QueueType::parse, Objects::requireNonNull, "classic (with priorities) or quorum (replicated) agent queues", false);

  /**
   * {@code max_queue_length}: the most spores an agent queue holds (default 10,000, as in memory; 0 for
   * no limit); a send to a full queue fails with {@link dev.reef.QueueFullException}. Every process of
   * a namespace must use the same value: the broker keeps what the queue was declared with.
   */
  public static final AmqpOption<Integer> MAX_QUEUE_LENGTH = new AmqpOption<>("max_queue_length", 10_000,
      AmqpOption::integer, value -> atLeast("max_queue_length", value, 0),
      "the most spores an agent queue holds; a send to a full queue fails (0: no limit)", false);

  /**
   * {@code max_queue_bytes}: the most bytes of spore bodies an agent queue holds (default 256 MiB; 0
   * for no limit), beside {@link #MAX_QUEUE_LENGTH}: a few huge spores fill a queue as surely as many
   * small ones. A send to a full queue fails with {@link dev.reef.QueueFullException}. Every process
   * of a namespace must use the same value.
   */
  public static final AmqpOption<Long> MAX_QUEUE_BYTES = new AmqpOption<>("max_queue_bytes", 256L * 1024 * 1024,
      AmqpOption::longInteger, value -> atLeast("max_queue_bytes", value, 0L),
      "the most bytes of spore bodies an agent queue holds; a send to a full queue fails (0: no limit)", false);

  /** {@code max_body_bytes}: the largest message body sent or accepted (default 10 MiB). */
  public static final AmqpOption<Integer> MAX_BODY_BYTES = new AmqpOption<>("max_body_bytes", 10 * 1024 * 1024,
      AmqpOption::integer, value -> between("max_body_bytes", value, 4, MAX_INBOUND_BODY_BYTES),
      "the largest message body sent or accepted; larger incoming ones are dead-lettered", false);

  /** {@code confirm_timeout_ms}: how long a send's future waits for the broker's confirm (default 30 s). */
  public static final AmqpOption<Duration> CONFIRM_TIMEOUT = new AmqpOption<>("confirm_timeout_ms",
      Duration.ofSeconds(30), AmqpOption::millis, value -> positive("confirm_timeout_ms", value),
      "how long a send's future waits for the broker's confirm; it then fails (the spore may or may not"
          + " have arrived)", false);

  /**
   * {@code send_wait_ms}: the longest a send keeps its caller waiting (default 5 s): for room when
   * {@link #MAX_UNCONFIRMED} sends already wait for their confirm, and for the broker to say whether
   * the channel's exchange exists, on its first use. Past it the send's future fails; the caller is never held
   * longer, even while the broker blocks publishers (a resource alarm).
   */
  public static final AmqpOption<Duration> SEND_WAIT = new AmqpOption<>("send_wait_ms", Duration.ofSeconds(5),
      AmqpOption::millis, value -> positive("send_wait_ms", value),
      "the longest a send keeps its caller waiting (for room among unconfirmed sends, for the channel's exchange"
          + " to be found); then its future fails", false);

  /**
   * {@code reply_wait_ms}: how long a reply waits for its requester's reply queue when the queue is
   * missing (default 10 s): a requester that lost its connection declares its queue again under the
   * same name once it is back, and the reply is sent again, with growing pauses, until then. Past it
   * the reply is dropped (the requester, back, asks again: see {@code docs/security.md}).
   */
  public static final AmqpOption<Duration> REPLY_WAIT = new AmqpOption<>("reply_wait_ms", Duration.ofSeconds(10),
      AmqpOption::millis, value -> positive("reply_wait_ms", value),
      "how long a reply waits for a reconnecting requester's reply queue to come back before it is dropped", false);

  /** {@code max_unconfirmed}: the most sends that wait for the broker's confirm at once (default 10,000). */
  public static final AmqpOption<Integer> MAX_UNCONFIRMED = new AmqpOption<>("max_unconfirmed", 10_000,
      AmqpOption::integer, value -> atLeast("max_unconfirmed", value, 1),
      "the most sends waiting for the broker's confirm (or for a connection) at once; bounds a fast sender's memory",
      false);

  /** {@code rpc_timeout_ms}: how long any other request to the broker waits for its answer (default 30 s). */
  public static final AmqpOption<Duration> RPC_TIMEOUT = new AmqpOption<>("rpc_timeout_ms", Duration.ofSeconds(30),
      AmqpOption::millis, value -> positive("rpc_timeout_ms", value),
      "how long a request to the broker (declaring queues, consuming, reading dead letters) waits for its answer",
      false);

  /** {@code recovery_interval_ms}: the pause between attempts to reconnect (default 2 s). */
  public static final AmqpOption<Duration> RECOVERY_INTERVAL = new AmqpOption<>("recovery_interval_ms",
      Duration.ofSeconds(2), AmqpOption::millis, value -> positive("recovery_interval_ms", value),
      "the pause between attempts to reconnect after losing the broker", false);

  /** {@code connection_name}: the name the broker shows for this process's connections (default {@code reef}). */
  public static final AmqpOption<String> CONNECTION_NAME = new AmqpOption<>("connection_name", "reef",
      text -> text, AmqpOption::notBlank, "the name the broker shows for this process's connections", false);

  /** {@code cacertfile}: for {@code amqps}, a PEM file of the CAs that signed the broker's certificate. */
  public static final AmqpOption<Path> CA_CERTIFICATES = new AmqpOption<>("cacertfile", null, Path::of,
      Objects::requireNonNull, "amqps: a PEM file of the CA certificates to check the broker's certificate with"
          + " (default: the JVM's trust store)", false);

  /** {@code keystore}: for {@code amqps} with client certificates, a PKCS#12 file with the certificate and key. */
  public static final AmqpOption<Path> KEY_STORE = new AmqpOption<>("keystore", null, Path::of,
      Objects::requireNonNull, "amqps: a PKCS#12 file holding this client's certificate and key", false);

  /** {@code keystore_password}: the password of {@link #KEY_STORE}; never shown. */
  public static final AmqpOption<String> KEY_STORE_PASSWORD = new AmqpOption<>("keystore_password", "",
      text -> text, Objects::requireNonNull, "amqps: the password of the key store", true);

  /** {@code verify_hostname}: for {@code amqps}, check that the broker's certificate names its host (default true). */
  public static final AmqpOption<Boolean> VERIFY_HOSTNAME = new AmqpOption<>("verify_hostname", true,
      AmqpOption::bool, Objects::requireNonNull, "amqps: check that the broker's certificate names the host", false);

  /** {@code heartbeat}: the AMQP heartbeat the client asks for, in seconds (the client's default, 60). */
  public static final AmqpOption<Integer> AMQP_HEARTBEAT = new AmqpOption<>("heartbeat",
      ConnectionFactory.DEFAULT_HEARTBEAT, AmqpOption::integer, value -> atLeast("heartbeat", value, 0),
      "the AMQP connection heartbeat in seconds (not Reef's presence heartbeat; 0: none)", false);

  /** {@code connection_timeout}: how long opening a TCP connection may take, in ms (the client's default, 60,000). */
  public static final AmqpOption<Integer> CONNECTION_TIMEOUT = new AmqpOption<>("connection_timeout",
      ConnectionFactory.DEFAULT_CONNECTION_TIMEOUT, AmqpOption::integer,
      value -> atLeast("connection_timeout", value, 1), "how long opening a connection may take, in ms", false);

  /** {@code channel_max}: the most channels per connection the client asks for (the client's default, 2047). */
  public static final AmqpOption<Integer> CHANNEL_MAX = new AmqpOption<>("channel_max",
      ConnectionFactory.DEFAULT_CHANNEL_MAX, AmqpOption::integer, value -> atLeast("channel_max", value, 0),
      "the most channels per connection the client asks for", false);

  /**
   * {@code management_uri}: RabbitMQ's management HTTP API, which lists and deletes a namespace's
   * objects ({@link dev.reef.NamespaceAdmin}; AMQP 0-9-1 cannot list queues). Default: {@code
   * http://HOST:15672} ({@code https://HOST:15671} for {@code amqps}) with the AMQP URI's user and
   * password; a user given in this URI wins. The user needs the {@code management} (or {@code
   * monitoring}) tag.
   */
  public static final AmqpOption<URI> MANAGEMENT_URI = new AmqpOption<>("management_uri", null,
      AmqpOption::httpUri, AmqpOption::checkHttpUri,
      "RabbitMQ's management HTTP API, for listing and deleting a namespace's objects (default: http://HOST:15672"
          + " with the AMQP credentials)", false);

  /**
   * {@code stream_addresses}: where channel history (RabbitMQ streams, SPEC §5) is read through the
   * stream protocol, {@code host[:port],...}; default: the broker's hosts on port 5552. Used only by
   * channels that keep history.
   */
  public static final AmqpOption<List<String>> STREAM_ADDRESSES = new AmqpOption<>("stream_addresses", List.of(),
      AmqpOption::addresses, AmqpOption::checkAddresses,
      "where channel history is read through RabbitMQ's stream protocol, host[:port],... (default: the broker's"
          + " hosts on port 5552)", false);

  /**
   * {@code dead_letter_key}: a file holding the key (at least 32 bytes) that every Reef of the
   * namespace shares to seal the dead letters it writes and check those it reads (HMAC-SHA256); the
   * environment variable {@value DeadLetterSeal#KEY_ENV} holds the key itself instead. Without a key,
   * a dead letter verifies only when the broker-checked user who wrote it is this connection's own.
   */
  public static final AmqpOption<Path> DEAD_LETTER_KEY = new AmqpOption<>("dead_letter_key", null, Path::of,
      Objects::requireNonNull, "a file holding the namespace's shared dead-letter key (at least 32 bytes; default:"
          + " the environment variable " + DeadLetterSeal.KEY_ENV + ", else none)", false);

  /** {@code site}: this Reef's site, one of {@link #SITES} (docs/sites.md); default none, sites off. */
  public static final AmqpOption<String> SITE = new AmqpOption<>("site", "", String::trim, AmqpOption::siteName,
      "this Reef's site, one of the names in 'sites' (default: none, sites off; see docs/sites.md)", false);

  /** {@code sites}: every site, a sites file ({@link SiteList}) or a {@code List<Site>}; needs {@link #SITE}. */
  public static final AmqpOption<List<Site>> SITES = new AmqpOption<>("sites", List.of(),
      text -> SiteList.read(Path.of(text.trim())), sites -> sites.isEmpty() ? List.of() : SiteList.check(sites),
      "the sites file (JSON: name, amqp_uri, management_uri of every site; see docs/sites.md)", false);

  /** Every setting, in the order of the table. */
  static final List<AmqpOption<?>> ALL = List.of(ADDRESSES, QUEUE_TYPE, MAX_QUEUE_LENGTH, MAX_QUEUE_BYTES,
      MAX_BODY_BYTES, CONFIRM_TIMEOUT, SEND_WAIT, REPLY_WAIT, MAX_UNCONFIRMED, RPC_TIMEOUT, RECOVERY_INTERVAL,
      CONNECTION_NAME, CA_CERTIFICATES, KEY_STORE, KEY_STORE_PASSWORD, VERIFY_HOSTNAME, AMQP_HEARTBEAT,
      CONNECTION_TIMEOUT, CHANNEL_MAX, MANAGEMENT_URI, STREAM_ADDRESSES, DEAD_LETTER_KEY, SITE, SITES);

  /** Query keys that were settings once, and what to do instead. */
  static final Map<String, String> REMOVED = Map.of("presence_heartbeat_ms",
      "the presence heartbeat is no longer an AMQP setting: it is the Reef's, set with Reef.builder().heartbeat(...)");

  private static final Map<String, AmqpOption<?>> BY_KEY = byKey();

  // ---- one setting ----

  /** The URI query key, e.g. {@code queue_type}. */
  public String key() {
    return key;
  }

  /** The value used when neither the URI nor the builder sets it (null for none). */
  public T defaultValue() {
    return defaultValue;
  }

  /** What the setting means. */
  public String description() {
    return description;
  }

  /** True when its value must never be shown (a password). */
  public boolean isSecret() {
    return secret;
  }

  /** The setting whose query key is {@code key}, or null. */
  static AmqpOption<?> forKey(String key) {
    return BY_KEY.get(key);
  }

  /** Reads a query value; the message of a failure names the key and never quotes a secret. */
  T parse(String text) {
    T value;
    try {
      value = parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("query parameter '" + key + "' of the AMQP URI: " + e.getMessage());
    }
    return check(value);
  }

  /** Checks a value; returns it. */
  T check(T value) {
    return check.apply(value);
  }

  /** {@code value} as it may be shown: secrets masked, and the password of a URI. */
  String show(Object value) {
    return secret ? "***" : value instanceof URI uri ? Uris.mask(uri) : String.valueOf(value);
  }

  @Override
  public String toString() {
    return key;
  }

  private static Map<String, AmqpOption<?>> byKey() {
    Map<String, AmqpOption<?>> map = new LinkedHashMap<>();
    for (AmqpOption<?> option : ALL) {
      map.put(option.key, option);
    }
    return map;
  }

  // ---- parsers and checks ----

  private static Integer integer(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be an integer, got '" + text + "'");
    }
  }

  private static Long longInteger(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be an integer, got '" + text + "'");
    }
  }

  private static URI httpUri(String text) {
    try {
      return new URI(text.trim());
    } catch (java.net.URISyntaxException e) {
      // The reason, not the input: the text may hold a password.
      throw new IllegalArgumentException("must be an http:// or https:// URI: " + e.getReason());
    }
  }

  private static URI checkHttpUri(URI uri) {
    Objects.requireNonNull(uri, "management_uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("management_uri must be an http:// or https:// URI with a host, got "
          + Uris.mask(uri));
    }
    return uri;
  }

  private static Duration millis(String text) {
    try {
      return Duration.ofMillis(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number of milliseconds, got '" + text + "'");
    }
  }

  private static Boolean bool(String text) {
    String trimmed = text.trim().toLowerCase(Locale.ROOT);
    if (trimmed.equals("true") || trimmed.equals("false")) {
      return Boolean.valueOf(trimmed);
    }
    throw new IllegalArgumentException("must be true or false, got '" + text + "'");
  }

  private static List<String> addresses(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).toList();
  }

  private static List<String> checkAddresses(List<String> addresses) {
    Objects.requireNonNull(addresses, "addresses");
    for (String address : addresses) {
      if (address == null || address.isBlank()) {
        throw new IllegalArgumentException("broker addresses must not be empty, got " + addresses);
      }
      try {
        Address.parseAddress(address.trim());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid broker address '" + address + "': expected host[:port]");
      }
    }
    return List.copyOf(addresses);
  }

  private static Integer atLeast(String key, Integer value, int minimum) {
    Objects.requireNonNull(value, key);
    if (value < minimum) {
      throw new IllegalArgumentException(key + " must be at least " + minimum + ", got " + value);
    }
    return value;
  }

  private static Long atLeast(String key, Long value, long minimum) {
    Objects.requireNonNull(value, key);
    if (value < minimum) {
      throw new IllegalArgumentException(key + " must be at least " + minimum + ", got " + value);
    }
    return value;
  }

  private static Integer between(String key, Integer value, int minimum, int maximum) {
    atLeast(key, value, minimum);
    if (value > maximum) {
      throw new IllegalArgumentException(key + " must be at most " + maximum + ", got " + value);
    }
    return value;
  }

  private static Duration positive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
    return value;
  }

  private static String siteName(String value) {
    return Objects.requireNonNull(value, "site").isEmpty() ? value : dev.reef.spore.Names.require("site name", value);
  }

  private static String notBlank(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("connection_name must not be blank");
    }
    return value;
  }
}
