package dev.reef.amqp;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Broker URIs: Reef's own query parameters, and a form safe to log. */
final class Uris {
  private Uris() {}

  /**
   * {@code uri} with its password, and any query value whose key mentions a password, masked. Works
   * from the raw authority, so that a URI Java could not split into host and port (a bad port, say)
   * is masked too; a URI with no authority at all is not shown beyond its scheme.
   */
  static String mask(URI uri) {
    if (uri == null) {
      return "null";
    }
    StringBuilder text = new StringBuilder();
    text.append(uri.getScheme());
    String authority = uri.getRawAuthority();
    if (uri.isOpaque() || authority == null) {
      return text.append(":***").toString();
    }
    text.append("://");
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      text.append(colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***").append('@');
    }
    text.append(authority.substring(at + 1));
    if (uri.getRawPath() != null) {
      text.append(uri.getRawPath());
    }
    Map<String, String> query = query(uri);
    if (!query.isEmpty()) {
      text.append('?');
      String separator = "";
      for (Map.Entry<String, String> parameter : query.entrySet()) {
        boolean secret = parameter.getKey().toLowerCase(Locale.ROOT).contains("password");
        String value = secret ? "***" : nestedUri(parameter.getValue()) != null
            ? mask(nestedUri(parameter.getValue())) : parameter.getValue();
        text.append(separator).append(parameter.getKey()).append('=').append(value);
        separator = "&";
      }
    }
    return text.toString();
  }

  /** {@code text} with every secret of {@code uri} (its password, key store password) replaced by {@code ***}. */
  static String scrub(String text, URI uri) {
    String scrubbed = text;
    for (String secret : secrets(uri)) {
      scrubbed = scrubbed.replace(secret, "***");
    }
    return scrubbed;
  }

  /** True when the message of {@code error} or of any of its causes holds a secret of {@code uri}. */
  static boolean quotesSecret(Throwable error, URI uri) {
    List<String> secrets = secrets(uri);
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      for (String secret : secrets) {
        if (message.contains(secret)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The secrets a URI holds, as written and decoded. */
  private static List<String> secrets(URI uri) {
    List<String> secrets = new ArrayList<>();
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && userInfo.indexOf(':') >= 0) {
      String password = userInfo.substring(userInfo.indexOf(':') + 1);
      secrets.add(userInfo);
      secrets.add(password);
      secrets.add(decode(password));
    }
    query(uri).forEach((key, value) -> {
      if (key.toLowerCase(Locale.ROOT).contains("password")) {
        secrets.add(value);
      }
      URI nested = nestedUri(value);
      if (nested != null) {
        secrets.addAll(secrets(nested)); // management_uri=http://user:password@host
      }
    });
    secrets.removeIf(String::isEmpty);
    return secrets;
  }

  /** A query value that is itself a URI holding a password (management_uri), or null. */
  private static URI nestedUri(String value) {
    if (!value.contains("://") || !value.contains("@")) {
      return null;
    }
    try {
      URI nested = new URI(value);
      return nested.getRawUserInfo() != null && nested.getRawUserInfo().contains(":") ? nested : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /** The decoded query parameters, in order. */
  static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      parameters.put(key, value);
    }
    return parameters;
  }

  /**
   * The virtual host {@code uri} names: its path without the leading {@code /}, decoded ({@code %2F}
   * is {@code /}). An empty path, or a path that is just {@code /} (Praval's default {@code
   * amqp://guest:guest@localhost:5672/}), means the default virtual host {@code /}, as Python clients
   * read it.
   */
  static String virtualHost(URI uri) {
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return "/";
    }
    return decode(path.substring(1));
  }

  /** The user the URI names, decoded; {@code guest} when it names none, as the client assumes. */
  static String user(URI uri) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty()) {
      return "guest";
    }
    int colon = userInfo.indexOf(':');
    return decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
  }

  /** The password the URI holds, decoded; {@code guest} when it has no user info, as the client assumes. */
  static String password(URI uri) {
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty()) {
      return "guest";
    }
    int colon = userInfo.indexOf(':');
    return colon < 0 ? "" : decode(userInfo.substring(colon + 1));
  }

  /** {@code uri} without its query and fragment, its other parts exactly as written. */
  static URI withoutQuery(URI uri) {
    String text = uri.toString();
    int cut = text.length();
    int query = text.indexOf('?');
    int fragment = text.indexOf('#');
    if (query >= 0) {
      cut = query;
    }
    if (fragment >= 0 && fragment < cut) {
      cut = fragment;
    }
    return URI.create(text.substring(0, cut));
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
