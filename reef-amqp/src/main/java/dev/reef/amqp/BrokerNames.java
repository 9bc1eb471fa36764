package dev.reef.amqp;

import dev.reef.spore.SporeType;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

/**
 * The broker object names of SPEC §5 for one namespace. Agent, channel and namespace names cannot
 * contain dots, so {@code ns.CHANNEL.AGENT} is unambiguous.
 */
final class BrokerNames {
  /** AMQP's limit on exchange and queue names, in UTF-8 bytes. */
  static final int MAX_NAME_BYTES = 255;
  /** Channel names whose exchange would collide with the namespace's own objects. */
  static final Set<String> RESERVED_CHANNELS = Set.of("dead", "retry", "reply", "presence", "history", "sites");

  private final String namespace;
  private final String site;

  BrokerNames(String namespace) {
    this(namespace, "");
  }

  /** The names of a namespace at {@code site} (empty: sites off). */
  BrokerNames(String namespace, String site) {
    this.namespace = dev.reef.spore.Names.require("namespace", namespace);
    this.site = site.isEmpty() ? site : dev.reef.spore.Names.require("site name", site);
  }

  /** This Reef's site, or empty when sites are off. */
  String site() {
    return site;
  }

  /** True when this Reef is one site of several (docs/sites.md). */
  boolean sitesOn() {
    return !site.isEmpty();
  }

  /** The topic exchange, federated between sites, of site-addressed spores and cross-site replies: {@code ns.sites}. */
  String sitesExchange() {
    return namespace + ".sites";
  }

  /**
   * The queue of the spores addressed to {@code AGENT@SITE} at this site, {@code ns.CHANNEL.AGENT.pinned}:
   * consumed by the agent's instances here and never federated, so they are handled here.
   */
  String pinnedQueue(String channel, String agent) {
    return checked(agentQueue(channel, agent) + ".pinned");
  }

  /** The routing key on {@link #sitesExchange()} of a spore to {@code AGENT@SITE}: {@code SITE.CHANNEL.AGENT.TYPE}. */
  static String pinnedKey(String site, String channel, String agent, SporeType type) {
    return site + "." + channel + "." + agent + "." + type.wireValue();
  }

  /** The binding of a pinned queue at {@code site}: {@code SITE.CHANNEL.AGENT.*}. */
  static String pinnedBinding(String site, String channel, String agent) {
    return site + "." + channel + "." + agent + ".*";
  }

  /** The routing key on {@link #sitesExchange()} of a reply to reply queue {@code ns.reply.ID} at {@code site}. */
  String replyKey(String site, String replyQueue) {
    return site + ".reply." + replyQueue.substring(prefix().length() + "reply.".length());
  }

  /** A reply queue's address: its name, and {@code @SITE} when sites are on. */
  String replyAddress(String replyQueue) {
    return sitesOn() ? replyQueue + dev.reef.spore.Names.SITE_SEPARATOR + site : replyQueue;
  }

  String namespace() {
    return namespace;
  }

  /** The topic exchange of a channel: {@code ns.CHANNEL}. */
  String channelExchange(String channel) {
    if (RESERVED_CHANNELS.contains(channel)) {
      throw new IllegalArgumentException("channel name '" + channel + "' is reserved by the AMQP backend: '"
          + namespace + "." + channel + "' holds the namespace's " + channel + " objects; choose another name");
    }
    return checked(namespace + "." + channel);
  }

  /**
   * The fanout exchange that carries what a channel's history records, {@code ns.CHANNEL.history}:
   * bound to the channel's exchange for broadcasts and, per agent queue, for that agent's directed
   * spores; the channel's stream (a queue of the same name) is bound to it when history is kept.
   */
  String historyExchange(String channel) {
    return checked(channelExchange(channel) + ".history");
  }

  /** The stream that keeps a channel's history: a queue named as its {@linkplain #historyExchange history exchange}. */
  String historyStream(String channel) {
    return historyExchange(channel);
  }

  /** The queue an agent name's instances share on a channel: {@code ns.CHANNEL.AGENT}. */
  String agentQueue(String channel, String agent) {
    channelExchange(channel);
    return checked(namespace + "." + channel + "." + agent);
  }

  /**
   * Where the broker puts spores that expired in an agent queue, {@code ns.CHANNEL.AGENT.expired},
   * so that an instance of the agent counts them (SPEC §3.8) instead of the broker dropping them
   * unseen.
   */
  String expiredQueue(String channel, String agent) {
    return checked(agentQueue(channel, agent) + ".expired");
  }

  /** The routing key of a spore to one agent: {@code agent.TO.TYPE}. */
  static String directedKey(String agent, SporeType type) {
    return "agent." + agent + "." + type.wireValue();
  }

  /** The routing key of a spore to every agent on the channel: {@code broadcast.TYPE}. */
  static String broadcastKey(SporeType type) {
    return "broadcast." + type.wireValue();
  }

  /** The binding that brings an agent's directed spores to its queue. */
  static String agentBinding(String agent) {
    return "agent." + agent + ".*";
  }

  /** The binding that brings every broadcast to an agent queue. */
  static final String BROADCAST_BINDING = "broadcast.*";

  /** The fanout exchange and the queue of dead letters: {@code ns.dead}. */
  String dead() {
    return namespace + ".dead";
  }

  /** The headers exchange that sorts retries into their delay queues: {@code ns.retry}. */
  String retryExchange() {
    return namespace + ".retry";
  }

  /** The queue where retries wait {@code delayMillis} before going back: {@code ns.retry.DELAY}. */
  String retryQueue(long delayMillis) {
    return namespace + ".retry." + delayMillis;
  }

  /** A private reply queue: {@code ns.reply.ID}, where ID is a random UUID. */
  String replyQueue(UUID id) {
    return namespace + ".reply." + id;
  }

  /**
   * True when {@code address} is one of this namespace's reply queues, {@code ns.reply.UUID}: the
   * only addresses a reply may go to. An agent's queue, {@code ns.dead} or an observer's queue
   * ({@code ns.reply.observer-ID}) is not one.
   */
  boolean isReplyQueue(String address) {
    String site = address == null ? null : dev.reef.spore.Names.siteOf(address);
    if (site != null) { // ns.reply.UUID@SITE: a reply queue at that site
      return dev.reef.spore.Names.isValid(site) && isReplyQueue(dev.reef.spore.Names.agentOf(address));
    }
    String prefix = namespace + ".reply.";
    if (address == null || !address.startsWith(prefix) || address.length() != prefix.length() + 36) {
      return false;
    }
    try {
      return UUID.fromString(address.substring(prefix.length())).toString().equals(address.substring(prefix.length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The prefix of every broker object of this namespace: {@code ns.}. */
  String prefix() {
    return namespace + ".";
  }

  /** A channel observer's private queue: {@code ns.reply.observer-ID}, never taken for a reply address. */
  String observerQueue(UUID id) {
    return namespace + ".reply.observer-" + id;
  }

  /** The fanout exchange of presence announcements: {@code ns.presence}. */
  String presenceExchange() {
    return namespace + ".presence";
  }

  /** One connection's presence queue: {@code ns.presence.ID}. */
  String presenceQueue(String id) {
    return namespace + ".presence." + id;
  }

  private static String checked(String name) {
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("broker object name '" + name.substring(0, 60) + "...' would be " + bytes
          + " bytes long; AMQP allows " + MAX_NAME_BYTES + ": use shorter namespace, channel or agent names");
    }
    return name;
  }
}
