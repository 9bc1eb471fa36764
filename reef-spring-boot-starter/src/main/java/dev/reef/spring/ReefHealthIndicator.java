package dev.reef.spring;

import dev.reef.Reef;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator health of the application's Reef ({@code reef} in {@code /actuator/health}): UP while its
 * backend is connected, DOWN while the broker is unreachable (the AMQP backend reconnects by itself
 * meanwhile) and once the Reef is closed. Details: the namespace and the spores in flight.
 */
public final class ReefHealthIndicator extends AbstractHealthIndicator {
  private final Reef reef;

  /** The health of {@code reef}. */
  public ReefHealthIndicator(Reef reef) {
    super("Reef health check failed");
    this.reef = Objects.requireNonNull(reef, "reef");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("namespace", reef.namespace());
    if (reef.isClosed()) {
      builder.down().withDetail("reason", "closed");
    } else if (!reef.isConnected()) {
      builder.down().withDetail("reason", "the broker is unreachable");
    } else {
      builder.up().withDetail("inFlight", reef.stats().inFlight());
    }
  }
}
