package dev.reef.tools.launch;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP server of an agent JVM ({@code /health}, {@code /metrics}, the dashboard), from one source
 * or resolved; null fields are "not set here". Safe by default (SPEC §8): it binds the loopback
 * interface, shows no spore knowledge, and with a token set asks every request for it.
 *
 * @param host the address to bind: {@value #DEFAULT_HOST} unless told otherwise ({@code 0.0.0.0}: every interface)
 * @param port the port (0: any free port); null for no HTTP server
 * @param token a bearer token every request must carry ({@code Authorization: Bearer TOKEN}), or null for none
 * @param showKnowledge true to show spore knowledge on the dashboard and in {@code /events}
 */
public record HttpSettings(String host, Integer port, String token, Boolean showKnowledge) {
  /** The address bound when nobody says otherwise: this machine only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The environment variable giving the HTTP port. */
  public static final String ENV_PORT = "REEF_HTTP_PORT";
  /** The environment variable giving the address to bind. */
  public static final String ENV_HOST = "REEF_HTTP_HOST";
  /** The environment variable giving the bearer token. */
  public static final String ENV_TOKEN = "REEF_HTTP_TOKEN";
  /** The environment variable that shows knowledge when {@code true}. */
  public static final String ENV_SHOW_KNOWLEDGE = "REEF_HTTP_SHOW_KNOWLEDGE";
  /** Nothing set. */
  public static final HttpSettings NONE = new HttpSettings(null, null, null, null);
  /** The defaults: loopback, no server unless a port is set, no token, no knowledge shown. */
  public static final HttpSettings DEFAULTS = new HttpSettings(DEFAULT_HOST, null, null, false);

  /** Checks the fields that are set. */
  public HttpSettings {
    if (host != null && host.isBlank()) {
      throw new IllegalArgumentException("the HTTP host must not be blank");
    }
    if (port != null && (port < 0 || port > 65_535)) {
      throw new IllegalArgumentException("the HTTP port must be 0..65535, got " + port);
    }
    if (token != null && (token.isBlank() || token.chars().anyMatch(Character::isWhitespace))) {
      throw new IllegalArgumentException("the HTTP token must not be blank or hold spaces");
    }
    host = host == null ? null : host.trim();
  }

  /** These settings, with {@code lower}'s where these have none. */
  public HttpSettings over(HttpSettings lower) {
    Objects.requireNonNull(lower, "lower");
    return new HttpSettings(host != null ? host : lower.host, port != null ? port : lower.port,
        token != null ? token : lower.token, showKnowledge != null ? showKnowledge : lower.showKnowledge);
  }

  /** True when knowledge is to be shown (unset means no). */
  public boolean knowledgeShown() {
    return Boolean.TRUE.equals(showKnowledge);
  }

  static HttpSettings fromEnvironment(Map<String, String> environment, EnvironmentReader reader) {
    return new HttpSettings(
        reader.parsed(environment, ENV_HOST, text -> text),
        reader.parsed(environment, ENV_PORT, Settings::port),
        reader.parsed(environment, ENV_TOKEN, text -> text),
        reader.parsed(environment, ENV_SHOW_KNOWLEDGE, HttpSettings::bool));
  }

  /** Reads {@code true} or {@code false}. */
  static Boolean bool(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
    };
  }

  /** Reads one environment variable, naming it when its value is invalid. */
  interface EnvironmentReader {
    <T> T parsed(Map<String, String> environment, String name, java.util.function.Function<String, T> parser);
  }

  @Override
  public String toString() {
    // The token is a secret: never printed.
    return "HttpSettings[host=" + host + ", port=" + port + ", token=" + (token == null ? "none" : "***")
        + ", showKnowledge=" + showKnowledge + "]";
  }
}
