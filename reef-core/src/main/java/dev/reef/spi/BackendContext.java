package dev.reef.spi;

import dev.reef.spore.JsonMapping;
import dev.reef.spore.Names;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * What the engine tells a backend it creates.
 *
 * @param namespace the namespace prefixing every broker object
 * @param json the mapping decoded knowledge is read with
 * @param meters where the backend may register meters of its own
 */
public record BackendContext(String namespace, JsonMapping json, MeterRegistry meters) {

  /** Checks the fields. */
  public BackendContext {
    Names.require("namespace", namespace);
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(meters, "meters");
  }
}
