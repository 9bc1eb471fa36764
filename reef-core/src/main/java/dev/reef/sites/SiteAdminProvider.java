package dev.reef.sites;

import java.util.List;

/**
 * A backend's way of linking sites, found with {@link java.util.ServiceLoader} by {@link Sites#admin}.
 * The AMQP backend provides one (RabbitMQ federation). Not for application code.
 */
public interface SiteAdminProvider {

  /** True when this provider links sites whose brokers have URIs of {@code scheme} ({@code amqp}). */
  boolean supports(String scheme);

  /** An admin for the sites of {@code namespace}. */
  SiteAdmin admin(String namespace, List<Site> sites);
}
