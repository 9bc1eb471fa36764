package dev.reef.sites;

import dev.reef.spore.Names;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The entry point to sites (see docs/sites.md):
 *
 * <pre>{@code
 * SiteAdmin admin = Sites.admin("reef", SiteList.read(Path.of("/etc/reef/sites.json")));
 * admin.link();                                    // idempotent
 * admin.status().forEach(link -> System.out.println(link.render()));
 * }</pre>
 */
public final class Sites {
  private Sites() {}

  /**
   * An admin for the sites of {@code namespace}, from the backend that supports their brokers.
   *
   * @throws IllegalArgumentException when the namespace or the sites are invalid, or no backend on the
   *     class path links sites with such URIs (add reef-amqp)
   */
  public static SiteAdmin admin(String namespace, List<Site> sites) {
    Names.require("namespace", namespace);
    List<Site> checked = SiteList.check(sites);
    String scheme = checked.get(0).amqpUri().getScheme().toLowerCase(Locale.ROOT);
    for (SiteAdminProvider provider : ServiceLoader.load(SiteAdminProvider.class)) {
      if (provider.supports(scheme)) {
        return provider.admin(namespace, checked);
      }
    }
    throw new IllegalArgumentException("no backend on the class path links sites over " + scheme
        + ":// (add the reef-amqp module)");
  }
}
