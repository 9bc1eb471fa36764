package dev.reef;

import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the backend for a URI among the {@link ReefBackendProvider}s on the class path. */
final class Backends {
  /**
   * {@code memory:}, written {@code memory:/} because {@link URI} cannot parse a scheme without a
   * scheme-specific part.
   */
  static final URI DEFAULT = URI.create("memory:/");

  /** Parses a backend URI; {@code memory:} means {@link #DEFAULT}. */
  static URI parse(String uri) {
    return "memory:".equals(uri) ? DEFAULT : URI.create(uri);
  }

  private Backends() {}

  static ReefBackend connect(URI uri, String namespace) {
    URI target = uri == null ? DEFAULT : uri;
    List<String> known = new ArrayList<>();
    for (ReefBackendProvider provider : ServiceLoader.load(ReefBackendProvider.class)) {
      if (provider.supports(target)) {
        return provider.create(target, namespace);
      }
      known.add(provider.getClass().getName());
    }
    String hint = "memory".equals(target.getScheme())
        ? "add dev.reef:reef-inmemory to the class path"
        : "add the module of the '" + target.getScheme() + "' backend (e.g. dev.reef:reef-amqp) to the class path";
    throw new IllegalArgumentException(
        "no Reef backend for URI scheme '" + target.getScheme() + "' (providers found: " + known + "): " + hint);
  }
}
