package dev.reef.amqp;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Broker URIs: Reef's own query parameters, and a form safe to log. */
final class Uris {
  private Uris() {}

  /** {@code uri} with its password, and any query value whose key mentions a password, masked. */
  static String mask(URI uri) {
    if (uri == null) {
      return "null";
    }
    StringBuilder text = new StringBuilder();
    text.append(uri.getScheme()).append("://");
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      text.append(colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***").append('@');
    }
    if (uri.getHost() != null) {
      text.append(uri.getHost());
    }
    if (uri.getPort() != -1) {
      text.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      text.append(uri.getRawPath());
    }
    Map<String, String> query = query(uri);
    if (!query.isEmpty()) {
      text.append('?');
      String separator = "";
      for (Map.Entry<String, String> parameter : query.entrySet()) {
        boolean secret = parameter.getKey().toLowerCase(Locale.ROOT).contains("password");
        text.append(separator).append(parameter.getKey()).append('=').append(secret ? "***" : parameter.getValue());
        separator = "&";
      }
    }
    return text.toString();
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
