package dev.reef.amqp;

import dev.reef.spore.Names;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;

/**
 * Everything an {@link AmqpBackend} is made with: the broker URI, the namespace and the value of every
 * {@link AmqpOption}. Immutable; made by {@link AmqpBackendBuilder#options()} or {@link #of}.
 *
 * <p>A setting's value is, in order of precedence: what the builder set, what the URI's query says,
 * the option's default. {@link #toString()} never shows a password.
 */
public final class AmqpOptions {
  private final URI uri;
  private final String namespace;
  private final Map<AmqpOption<?>, Object> values;
  private final SSLContext sslContext;

  private AmqpOptions(URI uri, String namespace, Map<AmqpOption<?>, Object> values, SSLContext sslContext) {
    this.uri = uri;
    this.namespace = namespace;
    this.values = values;
    this.sslContext = sslContext;
  }

  /**
   * The options of {@code uri} (settings in its query) in {@code namespace}, with defaults for the rest.
   *
   * @throws IllegalArgumentException when the URI is not an AMQP URI or a query parameter is unknown or
   *     invalid; the message never quotes a password
   */
  public static AmqpOptions of(URI uri, String namespace) {
    return of(uri, namespace, Map.of(), null);
  }

  /** The options of {@code uri}, overridden by {@code explicit} settings. */
  static AmqpOptions of(URI uri, String namespace, Map<AmqpOption<?>, Object> explicit, SSLContext sslContext) {
    URI checked = checkUri(uri);
    Names.require("namespace", namespace);
    Map<AmqpOption<?>, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> parameter : Uris.query(checked).entrySet()) {
      AmqpOption<?> option = option(parameter.getKey(), checked);
      values.put(option, option.parse(parameter.getValue()));
    }
    values.putAll(explicit);
    boolean tls = checked.getScheme().equalsIgnoreCase("amqps");
    if (!tls && (sslContext != null || values.get(AmqpOption.CA_CERTIFICATES) != null
        || values.get(AmqpOption.KEY_STORE) != null)) {
      throw new IllegalArgumentException("TLS options need an amqps:// URI, got " + Uris.mask(checked));
    }
    checkSites(values);
    return new AmqpOptions(Uris.withoutQuery(checked), namespace, Collections.unmodifiableMap(values), sslContext);
  }

  /** {@code site} and {@code sites} go together, and the site is one of the sites. */
  private static void checkSites(Map<AmqpOption<?>, Object> values) {
    String site = (String) values.getOrDefault(AmqpOption.SITE, "");
    @SuppressWarnings("unchecked")
    java.util.List<dev.reef.sites.Site> sites = (java.util.List<dev.reef.sites.Site>) values.getOrDefault(
        AmqpOption.SITES, java.util.List.of());
    if (site.isEmpty() && !sites.isEmpty()) {
      throw new IllegalArgumentException("option 'sites' needs option 'site': the name of this Reef's own site");
    }
    if (!site.isEmpty() && sites.stream().noneMatch(each -> each.name().equals(site))) {
      throw new IllegalArgumentException("option 'site' is '" + site + "', which is not one of the sites"
          + (sites.isEmpty() ? " (option 'sites' is not set)" : " " + sites.stream().map(dev.reef.sites.Site::name).toList()));
    }
  }

  /** The broker URI without its query: scheme, user, password, host, port and virtual host. */
  public URI uri() {
    return uri;
  }

  /** The namespace prefixing every broker object. */
  public String namespace() {
    return namespace;
  }

  /** The value of {@code option}: set, or its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(AmqpOption<T> option) {
    Objects.requireNonNull(option, "option");
    return values.containsKey(option) ? (T) values.get(option) : option.defaultValue();
  }

  /** The TLS context given to the builder, which wins over the CA and key store options. */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /** True for an {@code amqps} URI. */
  public boolean tls() {
    return uri.getScheme().equalsIgnoreCase("amqps");
  }

  /** The URI as it may be shown: password masked. */
  public String maskedUri() {
    return Uris.mask(uri);
  }

  @Override
  public String toString() {
    StringJoiner settings = new StringJoiner(", ", "AmqpOptions[" + maskedUri() + ", namespace " + namespace + ", ",
        "]");
    for (AmqpOption<?> option : AmqpOption.ALL) {
      settings.add(option.key() + "=" + option.show(get(option)));
    }
    return settings.toString();
  }

  private static AmqpOption<?> option(String key, URI uri) {
    AmqpOption<?> option = AmqpOption.forKey(key);
    if (option != null) {
      return option;
    }
    String removed = AmqpOption.REMOVED.get(key);
    if (removed != null) {
      throw new IllegalArgumentException("query parameter '" + key + "' in AMQP URI " + Uris.mask(uri) + ": " + removed);
    }
    TreeSet<String> known = new TreeSet<>();
    AmqpOption.ALL.forEach(each -> known.add(each.key()));
    throw new IllegalArgumentException("unknown query parameter '" + key + "' in AMQP URI " + Uris.mask(uri)
        + "; known: " + known);
  }

  private static URI checkUri(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
      throw new IllegalArgumentException("an AMQP URI starts with amqp:// or amqps://, got " + Uris.mask(uri));
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null || uri.getHost() == null) {
      // Java reads an authority whose host or port it cannot parse as no host at all; the client would
      // then quietly connect to localhost as guest.
      throw new IllegalArgumentException("invalid AMQP URI " + Uris.mask(uri) + ": its host or port is malformed;"
          + " it must look like amqp://user:password@host:5672/vhost");
    }
    if (uri.getFragment() != null) {
      throw new IllegalArgumentException("invalid AMQP URI " + Uris.mask(uri) + ": it must not have a fragment (#)");
    }
    return uri;
  }
}
