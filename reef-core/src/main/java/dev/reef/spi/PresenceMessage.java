package dev.reef.spi;

import dev.reef.spore.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one Reef tells the others of its namespace about its agent instances (SPEC §5 presence). The
 * engine makes and reads these; a backend only carries them (AMQP: JSON on the {@code ns.presence}
 * exchange).
 *
 * @param kind what the message is
 * @param reefId the sending Reef's unique id
 * @param host the host it runs on
 * @param pid its process id, or -1
 * @param heartbeat how often it announces itself
 * @param instances its running instances (empty for {@link Kind#HELLO} and {@link Kind#LEAVE})
 * @param site the site of the sending Reef when sites are linked (see {@link ReefBackend#site()}), else
 *     empty
 */
public record PresenceMessage(
    Kind kind, String reefId, String host, long pid, Duration heartbeat, List<Instance> instances, String site) {

  /** What a presence message is. */
  public enum Kind {
    /** A newcomer asks everyone to announce themselves. */
    HELLO,
    /** Here are my instances: sent on every change and every heartbeat. */
    ANNOUNCE,
    /** I am closing: forget my instances. */
    LEAVE
  }

  /** Checks the fields. */
  public PresenceMessage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reefId, "reefId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(heartbeat, "heartbeat");
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
    }
    instances = List.copyOf(instances);
    site = site == null ? "" : site;
    if (!site.isEmpty()) {
      Names.require("site name", site);
    }
  }

  /** A message of a Reef without a site. */
  public PresenceMessage(Kind kind, String reefId, String host, long pid, Duration heartbeat, List<Instance> instances) {
    this(kind, reefId, host, pid, heartbeat, instances, "");
  }

  /** This message as sent from {@code otherSite}. */
  public PresenceMessage withSite(String otherSite) {
    return new PresenceMessage(kind, reefId, host, pid, heartbeat, instances, otherSite);
  }

  /**
   * One running agent instance.
   *
   * @param agent the agent name
   * @param instanceId its unique id
   * @param channel the channel it consumes
   * @param capabilities what it offers
   * @param startedAt when it started
   * @param stalled true when it holds spores and has not started or finished a handler for three
   *     heartbeats
   */
  public record Instance(
      String agent, String instanceId, String channel, Set<String> capabilities, Instant startedAt, boolean stalled) {

    /** Checks the fields. */
    public Instance {
      Names.require("agent name", agent);
      Objects.requireNonNull(instanceId, "instanceId");
      Names.require("channel name", channel);
      capabilities = Set.copyOf(capabilities);
      Objects.requireNonNull(startedAt, "startedAt");
    }
  }
}
