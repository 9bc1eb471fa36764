package dev.reef.tools.http;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the HTTP server. Without a token: everyone who can reach the address (the loopback
 * interface by default). With a token: requests carrying it as {@code Authorization: Bearer TOKEN}
 * (Prometheus, curl), or as the cookie a browser gets by opening the dashboard once with {@code
 * ?token=TOKEN} (an event stream cannot send headers). The orchestrator's probes ({@value
 * ReefHttpServer#LIVENESS_PATH}, {@value ReefHttpServer#READINESS_PATH}) need no token: they tell
 * up or down, nothing else.
 *
 * <p>Requests that change something (POST) must also carry the header {@value #ACTION_HEADER}: a page
 * of another origin cannot send it without a CORS preflight, which this server never allows, so a
 * browser cannot be tricked into replaying or purging dead letters.
 */
final class HttpAccess {
  static final String COOKIE = "reef_token";
  static final String ACTION_HEADER = "X-Reef-Action";

  /** What the access check decided. */
  enum Verdict { ALLOWED, ALLOWED_SET_COOKIE, UNAUTHORIZED }

  private final byte[] token; // null: no token asked

  HttpAccess(String token) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  boolean tokenRequired() {
    return token != null;
  }

  Verdict check(HttpServerRequest request) {
    String path = request.path();
    if (token == null || ReefHttpServer.LIVENESS_PATH.equals(path) || ReefHttpServer.READINESS_PATH.equals(path)) {
      return Verdict.ALLOWED;
    }
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && matches(authorization.substring(7).trim())) {
      return Verdict.ALLOWED;
    }
    Cookie cookie = request.getCookie(COOKIE);
    if (cookie != null && matches(cookie.getValue())) {
      return Verdict.ALLOWED;
    }
    String query = request.getParam("token");
    if (request.method() == HttpMethod.GET && query != null && matches(query)) {
      return Verdict.ALLOWED_SET_COOKIE;
    }
    return Verdict.UNAUTHORIZED;
  }

  /** True when a POST carries the header only this server's own page sends. */
  static boolean actionAllowed(HttpServerRequest request) {
    return request.getHeader(ACTION_HEADER) != null;
  }

  /** The cookie that lets a browser in after it showed the token once. */
  Cookie cookie() {
    return Cookie.cookie(COOKIE, new String(token, StandardCharsets.UTF_8)).setHttpOnly(true).setPath("/")
        .setSameSite(CookieSameSite.STRICT);
  }

  private boolean matches(String given) {
    // Constant time: how long the comparison takes tells nothing about the token.
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }
}
