package dev.reef.examples.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;

/**
 * The broker's own list of its queues and exchanges, from RabbitMQ's management API (not from Reef,
 * whose listing is what is under test): {@code REEF_MANAGEMENT_URL}, else port 15672 of the test
 * broker's host, with the broker URI's user (guest by default).
 */
final class BrokerObjects {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private BrokerObjects() {}

  /** Every queue ({@code queue NAME}) and exchange ({@code exchange NAME}) whose name starts with {@code NS.}. */
  static Set<String> ofNamespace(String namespace) {
    Set<String> objects = new TreeSet<>();
    for (String kind : new String[] {"queue", "exchange"}) {
      for (JsonNode object : get("/api/" + kind + "s/%2F?columns=name")) {
        String name = object.path("name").asText();
        if (name.startsWith(namespace + ".")) {
          objects.add(kind + " " + name);
        }
      }
    }
    return objects;
  }

  private static JsonNode get(String path) {
    URI broker = URI.create(ProcessBroker.uri());
    String base = System.getenv().getOrDefault("REEF_MANAGEMENT_URL", "http://" + broker.getHost() + ":15672");
    String userInfo = broker.getUserInfo() != null ? broker.getUserInfo() : "guest:guest";
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + base + path + ": " + response.statusCode());
      }
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new IllegalStateException("listing the broker's objects needs RabbitMQ's management API ("
          + base + ", or set REEF_MANAGEMENT_URL): " + e.getMessage(), e);
    }
  }
}
