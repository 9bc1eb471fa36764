package dev.reef.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.sites.Site;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What federates the sites of one namespace (docs/sites.md), as RabbitMQ management API objects: the
 * names, the wanted values, and the patterns that pick Reef's objects. Pure: {@link AmqpSiteAdmin}
 * writes and reads them.
 */
final class SiteFederation {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** RabbitMQ applies one policy per object, the highest priority: ours, unless an operator's is higher. */
  static final int POLICY_PRIORITY = 10;
  /** Seconds between a cut link's attempts to reconnect. */
  static final int RECONNECT_DELAY_SECONDS = 2;

  private final String namespace;

  SiteFederation(String namespace) {
    this.namespace = namespace;
  }

  /** The upstream, at every other site, that pulls from {@code peer}: {@code NS-site-PEER}. */
  String upstreamName(String peer) {
    return namespace + "-site-" + peer;
  }

  /** The upstream set every site's policies use: {@code NS-sites}. */
  String upstreamSetName() {
    return namespace + "-sites";
  }

  String queuePolicyName() {
    return namespace + "-sites-queues";
  }

  String exchangePolicyName() {
    return namespace + "-sites-exchanges";
  }

  /**
   * Agent queues {@code ns.CHANNEL.AGENT}: two dots, not the namespace's own objects (dead letters,
   * retries, replies, presence, sites), not a history stream; never {@code .expired} or {@code .pinned}
   * queues (three dots). Written for both Erlang's and Java's regular expressions.
   */
  String agentQueuePattern() {
    String ns = ManagementApi.escapeRegex(namespace);
    return "^" + ns + "\\.(?!(dead|retry|reply|presence|sites)\\.)[^.]+\\.(?!history$)[^.]+$";
  }

  /** The federated exchanges: {@code ns.sites} and {@code ns.presence}. */
  String exchangePattern() {
    return "^" + ManagementApi.escapeRegex(namespace) + "\\.(sites|presence)$";
  }

  /** True for the name of an agent queue, as the queue policy picks them. */
  boolean isAgentQueue(String queue) {
    return Pattern.compile(agentQueuePattern()).matcher(queue).matches();
  }

  /** The value of the upstream that pulls from {@code peer}. */
  ObjectNode upstreamValue(Site peer) {
    ObjectNode value = JSON.objectNode();
    value.put("uri", erlangUri(peer.amqpUri()));
    value.put("ack-mode", "on-confirm");
    value.put("trust-user-id", true);
    value.put("reconnect-delay", RECONNECT_DELAY_SECONDS);
    return value;
  }

  /** The value of the upstream set of a site: every other site's upstream. */
  ArrayNode upstreamSetValue(List<Site> peers) {
    ArrayNode value = JSON.arrayNode();
    peers.forEach(peer -> value.addObject().put("upstream", upstreamName(peer.name())));
    return value;
  }

  /** A policy federating what {@code pattern} picks ({@code apply-to} queues or exchanges) from the upstream set. */
  ObjectNode policy(String pattern, String applyTo) {
    ObjectNode policy = JSON.objectNode();
    policy.put("pattern", pattern);
    policy.put("apply-to", applyTo);
    policy.put("priority", POLICY_PRIORITY);
    policy.putObject("definition").put("federation-upstream-set", upstreamSetName());
    return policy;
  }

  /** The sites exchange as the management API declares it. */
  static ObjectNode sitesExchange() {
    ObjectNode exchange = JSON.objectNode();
    exchange.put("type", "topic");
    exchange.put("durable", true);
    exchange.put("auto_delete", false);
    exchange.put("internal", false);
    exchange.putObject("arguments");
    return exchange;
  }

  /**
   * {@code uri} as RabbitMQ's Erlang client reads it: explicit port and an encoded virtual host
   * ({@code amqp://h/} would mean the empty virtual host there, and {@code /} for Reef), no query.
   */
  static String erlangUri(URI uri) {
    boolean tls = uri.getScheme().equalsIgnoreCase("amqps");
    int port = uri.getPort() != -1 ? uri.getPort() : tls ? 5671 : 5672;
    String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
    String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]"
        : uri.getHost();
    String vhost = URLEncoder.encode(Uris.virtualHost(uri), StandardCharsets.UTF_8).replace("+", "%20");
    return uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + userInfo + host + ":" + port + "/" + vhost;
  }

  /** True when {@code existing} holds every field of {@code wanted} with the same value. */
  static boolean holds(JsonNode existing, JsonNode wanted) {
    if (existing == null) {
      return false;
    }
    if (!wanted.isObject()) {
      return existing.equals(wanted);
    }
    for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) wanted::fields) {
      JsonNode there = existing.get(field.getKey());
      if (there == null || !(field.getValue().isNumber() && there.isNumber()
          ? field.getValue().asDouble() == there.asDouble() : holds(there, field.getValue()))) {
        return false;
      }
    }
    return true;
  }
}
