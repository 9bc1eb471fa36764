package dev.reef.spring;

import dev.reef.Reef;

/**
 * Changes the {@link Reef.Builder} of the application's Reef before it is built, after the
 * properties, the meter registry and the JSON mapper were applied: for an {@link
 * dev.reef.Authorizer}, signing, a rate limit, ... Every such bean is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface ReefBuilderCustomizer {

  /** Changes {@code builder}. */
  void customize(Reef.Builder builder);
}
