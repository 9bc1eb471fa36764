package dev.reef.spi;

import java.util.Set;

/** Which agent names have a running instance, as far as the backend knows. */
public interface Directory {

  /** Agent names with at least one instance consuming on {@code channel}. */
  Set<String> agentsOn(String channel);

  /** Agent names with at least one running instance on {@code channel} that offers {@code capability}. */
  Set<String> agentsWithCapability(String channel, String capability);
}
