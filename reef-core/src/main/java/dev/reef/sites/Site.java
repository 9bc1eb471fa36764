package dev.reef.sites;

import dev.reef.spore.Names;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One site of a Reef linked across sites: its name, the broker URI by which the <em>other</em> sites'
 * brokers reach it, and its management HTTP API. Immutable; {@link #toString()} never shows a
 * password.
 *
 * @param name the site's name: 1–128 characters of {@code A-Z a-z 0-9 _ -}
 * @param amqpUri {@code amqp://} or {@code amqps://}, as the other sites' brokers reach this one
 * @param managementUri {@code http://} or {@code https://}; its user, or else the AMQP URI's, is used
 */
public record Site(String name, URI amqpUri, URI managementUri) {

  /** Checks the fields; a message never quotes a password. */
  public Site {
    Names.require("site name", name);
    Objects.requireNonNull(amqpUri, "amqpUri");
    Objects.requireNonNull(managementUri, "managementUri");
    String amqp = scheme(amqpUri);
    if (!amqp.equals("amqp") && !amqp.equals("amqps") || amqpUri.getHost() == null) {
      throw new IllegalArgumentException("site '" + name + "': amqp_uri must be an amqp:// or amqps:// URI with a host,"
          + " got " + mask(amqpUri));
    }
    String http = scheme(managementUri);
    if (!http.equals("http") && !http.equals("https") || managementUri.getHost() == null) {
      throw new IllegalArgumentException("site '" + name + "': management_uri must be an http:// or https:// URI"
          + " with a host, got " + mask(managementUri));
    }
  }

  /** {@code uri} with its password replaced by {@code ***}. */
  public static String mask(URI uri) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || !userInfo.contains(":")) {
      return uri.toString();
    }
    String masked = userInfo.substring(0, userInfo.indexOf(':')) + ":***";
    return uri.toString().replace(userInfo + "@", masked + "@");
  }

  private static String scheme(URI uri) {
    return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "Site[" + name + ", " + mask(amqpUri) + ", " + mask(managementUri) + "]";
  }
}
