package dev.reef.internal.engine;

import dev.reef.Backend;
import dev.reef.ReefOptions;
import dev.reef.spi.BackendContext;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The backend a Reef runs on: the one it was given, or the one a URI names, found among the providers. */
final class Backends {
  /** {@code memory:}, written {@code memory:/} because {@link URI} cannot parse a scheme without a path. */
  static final URI DEFAULT = URI.create("memory:/");

  private Backends() {}

  static ReefBackend connect(ReefOptions options, BackendContext context) {
    if (options.backend().isPresent()) {
      Backend given = options.backend().get();
      if (!(given instanceof ReefBackend backend)) {
        throw new IllegalArgumentException("the backend given to Reef.builder() is a " + given.getClass().getName()
            + ", which does not implement dev.reef.spi.ReefBackend");
      }
      return backend;
    }
    URI uri = options.uri().orElse(DEFAULT);
    List<String> known = new ArrayList<>();
    for (ReefBackendProvider provider : ServiceLoader.load(ReefBackendProvider.class)) {
      if (provider.supports(uri)) {
        return provider.create(uri, context);
      }
      known.add(provider.getClass().getName());
    }
    String hint = "memory".equals(uri.getScheme())
        ? "add dev.reef:reef-inmemory to the class path"
        : "add the module of the '" + uri.getScheme() + "' backend (e.g. dev.reef:reef-amqp) to the class path";
    throw new IllegalArgumentException(
        "no Reef backend for URI scheme '" + uri.getScheme() + "' (providers found: " + known + "): " + hint);
  }
}
