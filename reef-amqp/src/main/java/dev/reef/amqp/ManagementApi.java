package dev.reef.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.ReefException;
import dev.reef.spore.JsonMapping;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The few calls Reef makes to RabbitMQ's management HTTP API: the names of a virtual host's queues
 * and exchanges that start with a prefix. AMQP 0-9-1 has no way to list them.
 *
 * <p>Each call waits at most the RPC timeout. A failure names {@link AmqpOption#MANAGEMENT_URI} and
 * what to check; it never quotes the password.
 */
final class ManagementApi {
  /** The management API's largest page. */
  private static final int PAGE_SIZE = 500;
  private static final ObjectMapper MAPPER = JsonMapping.defaults().mapper();

  private final URI base;
  private final String authorization;
  private final String virtualHost;
  private final Duration timeout;
  /** Made at the first call: building it builds the JDK's TLS context, a tenth of a second that most
   * processes (every {@code reef send}) never need. */
  private volatile HttpClient client;

  private ManagementApi(URI base, String user, String password, String virtualHost, Duration timeout) {
    this.base = base;
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
    this.virtualHost = virtualHost;
    this.timeout = timeout;
  }

  private HttpClient client() {
    HttpClient made = client;
    if (made == null) {
      synchronized (this) {
        made = client;
        if (made == null) {
          made = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
          client = made;
        }
      }
    }
    return made;
  }

  /** The API {@code options} name (its path kept: a proxy may serve it under one), or the default one beside the broker. */
  static ManagementApi of(AmqpOptions options) {
    URI amqp = options.uri();
    URI given = options.get(AmqpOption.MANAGEMENT_URI);
    URI base = given != null ? given
        : URI.create((options.tls() ? "https://" : "http://") + hostForUri(amqp.getHost()) + ":"
            + (options.tls() ? 15671 : 15672));
    return forSite(amqp, base, options.get(AmqpOption.RPC_TIMEOUT));
  }

  /** The API's address as it may be shown. */
  URI base() {
    return base;
  }

  /** The names of the virtual host's queues that start with {@code prefix}. */
  List<String> queues(String prefix) {
    return names("queues", prefix);
  }

  /** The names of the virtual host's exchanges that start with {@code prefix}. */
  List<String> exchanges(String prefix) {
    return names("exchanges", prefix);
  }

  private List<String> names(String kind, String prefix) {
    List<String> names = new ArrayList<>();
    for (JsonNode item : items(path(kind, null), "^" + escapeRegex(prefix), "name")) {
      String name = item.path("name").asText("");
      if (name.startsWith(prefix)) { // the filter is the broker's: check it
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The API of one site (docs/sites.md): {@code managementUri}, with its own user or else the AMQP
   * URI's, on the AMQP URI's virtual host.
   */
  static ManagementApi forSite(URI amqpUri, URI managementUri, Duration timeout) {
    boolean ownUser = managementUri.getRawUserInfo() != null && !managementUri.getRawUserInfo().isEmpty();
    URI credentials = ownUser ? managementUri : amqpUri;
    return new ManagementApi(withoutUserInfo(managementUri), Uris.user(credentials), Uris.password(credentials),
        Uris.virtualHost(amqpUri), timeout);
  }

  /** The virtual host this API works on. */
  String virtualHost() {
    return virtualHost;
  }

  /** {@code /api/KIND/VHOST/NAME} with the parts encoded: the address of one object. */
  String path(String kind, String name) {
    return "/api/" + kind + "/" + encode(virtualHost) + (name == null ? "" : "/" + encode(name));
  }

  /** The JSON at {@code path}, or null when the API says there is none (HTTP 404). */
  JsonNode getOrNull(String path) {
    HttpResponse<String> response = send(request(path).GET().build());
    if (response.statusCode() == 404) {
      return null;
    }
    return json(checked(response));
  }

  /** Every item of a paged listing at {@code path} (which has no query yet), {@code columns} only. */
  List<JsonNode> items(String path, String nameRegex, String columns) {
    List<JsonNode> items = new ArrayList<>();
    int pages = 1;
    for (int page = 1; page <= pages; page++) {
      JsonNode answer = get(path + "?page=" + page + "&page_size=" + PAGE_SIZE + "&use_regex=true&name="
          + encode(nameRegex) + "&columns=" + columns);
      pages = answer.path("page_count").asInt(0);
      answer.path("items").forEach(items::add);
    }
    return items;
  }

  /** Every item of an unpaged listing at {@code path}. */
  List<JsonNode> list(String path) {
    List<JsonNode> items = new ArrayList<>();
    get(path).forEach(items::add);
    return items;
  }

  /** Puts {@code body} at {@code path} (creates or replaces the object). */
  void put(String path, JsonNode body) {
    checked(send(request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build()));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path)).timeout(timeout)
        .header("Authorization", authorization).header("Accept", "application/json");
  }

  private JsonNode get(String path) {
    return json(checked(send(request(path).GET().build())));
  }

  private HttpResponse<String> send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = client().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + timeout.toMillis() + " ms (rpc_timeout_ms)", e);
    } catch (ConnectException e) {
      throw unreachable("nothing is listening there (is the rabbitmq_management plugin enabled?)", e);
    } catch (IOException e) {
      throw unreachable(String.valueOf(e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReefException("interrupted while asking RabbitMQ's management API at " + base, e);
    }
    return response;
  }

  private HttpResponse<String> checked(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw unreachable("HTTP " + status + ": the user may not use the management API (it needs the 'management'"
          + " or 'monitoring' tag and access to virtual host '" + virtualHost + "')", null);
    }
    if (status == 404) {
      throw unreachable("HTTP 404: no virtual host '" + virtualHost + "', or not a RabbitMQ management API", null);
    }
    if (status / 100 != 2) {
      throw unreachable("HTTP " + status + " for " + response.request().method() + " "
          + response.request().uri().getRawPath() + ": " + WireFields.abbreviate(response.body()), null);
    }
    return response;
  }

  private JsonNode json(HttpResponse<String> response) {
    try {
      return MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw unreachable("the answer is not JSON", e);
    }
  }

  private ReefException unreachable(String why, Throwable cause) {
    return new ReefException("RabbitMQ's management API at " + base + " did not serve the request: " + why
        + "; set the AMQP option '" + AmqpOption.MANAGEMENT_URI.key() + "' to its address (e.g."
        + " http://user:password@rabbit:15672)", cause);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code text} as a regular expression matching itself. Names hold only letters, digits, {@code _ - .}. */
  static String escapeRegex(String text) {
    StringBuilder escaped = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (!Character.isLetterOrDigit(c) && c != '_') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private static String hostForUri(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static URI withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri;
    }
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
        + (uri.getRawPath() == null ? "" : uri.getRawPath()));
  }

  @Override
  public String toString() {
    return "ManagementApi[" + base + ", virtual host " + virtualHost + "]";
  }
}
