package dev.reef.conformance;

import dev.reef.spi.BackendContext;
import dev.reef.spi.ReefBackend;
import dev.reef.spi.ReefBackendProvider;
import java.net.URI;
import java.util.ServiceLoader;

/**
 * Serves {@code conformance+amqp://...} (and {@code conformance+amqps://...}): the AMQP backend that
 * the real provider makes for the URI without the prefix, with the same {@link BackendContext}, so
 * that a Reef of the suite is built exactly as an application's, its mapper and meters included.
 * Only the fixture's bookkeeping differs: the connection tells {@link AmqpTopology} what it declares,
 * for the fixture to delete afterwards. Found by {@link ServiceLoader} from this module's test
 * resources.
 */
public final class RecordingAmqpProvider implements ReefBackendProvider {
  /** Put before an {@code amqp://} or {@code amqps://} URI to reach this provider. */
  static final String PREFIX = "conformance+";

  /** Called by {@link ServiceLoader}. */
  public RecordingAmqpProvider() {}

  @Override
  public boolean supports(URI uri) {
    return uri != null && uri.getScheme() != null && uri.getScheme().startsWith(PREFIX);
  }

  @Override
  public ReefBackend create(URI uri, BackendContext context) {
    URI broker = URI.create(uri.toString().substring(PREFIX.length()));
    for (ReefBackendProvider provider : ServiceLoader.load(ReefBackendProvider.class)) {
      if (!(provider instanceof RecordingAmqpProvider) && provider.supports(broker)) {
        return AmqpTopology.of(context.namespace()).recording(provider.create(broker, context));
      }
    }
    throw new IllegalStateException("no ReefBackendProvider for '" + broker.getScheme()
        + ":' on the test class path: reef-amqp (a test dependency of reef-conformance) provides it");
  }
}
