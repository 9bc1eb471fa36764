package dev.reef.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reef.Reef;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configures a {@link Reef} from the {@code reef.*} properties, on the application's {@link
 * MeterRegistry}, {@link ObservationRegistry} and Jackson {@link ObjectMapper} when it has them, and runs its agent beans ({@link
 * ReefAgentsLifecycle}); with Actuator, adds the {@code reef} health indicator. Every bean backs off
 * when the application defines its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration"})
@ConditionalOnClass(Reef.class)
@EnableConfigurationProperties(ReefProperties.class)
public class ReefAutoConfiguration {

  /** Called by Spring. */
  public ReefAutoConfiguration() {}

  /**
   * The application's Reef; closed with the context (after the agents have drained).
   *
   * @throws IllegalArgumentException when a property is invalid or no backend on the class path serves the URI
   * @throws dev.reef.ReefException when the broker cannot be reached at start-up
   */
  @Bean
  @ConditionalOnMissingBean
  public Reef reef(ReefProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<ObjectMapper> objectMapper, ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<ReefBuilderCustomizer> customizers) {
    Reef.Builder builder = Reef.builder()
        .uri(properties.uri())
        .namespace(properties.namespace())
        .heartbeat(properties.heartbeat())
        .drainTimeout(properties.drainTimeout());
    meterRegistry.ifUnique(builder::meterRegistry);
    // The application's mapper, so that its modules and settings apply to knowledge too.
    objectMapper.ifUnique(builder::objectMapper);
    // With Actuator (and a tracer bridge), every publish and handler run becomes a span of the application's traces.
    observationRegistry.ifUnique(builder::observationRegistry);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  /** Runs the application's {@code @AgentDefinition} and {@code AgentSpec} beans as agents. */
  @Bean
  @ConditionalOnMissingBean
  public ReefAgentsLifecycle reefAgentsLifecycle(Reef reef, ReefProperties properties, ListableBeanFactory beans) {
    return new ReefAgentsLifecycle(reef, properties, beans);
  }

  /** The health indicator, when the application has Actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnProperty(name = "management.health.reef.enabled", matchIfMissing = true)
  static class Health {

    @Bean
    @ConditionalOnMissingBean(name = "reefHealthIndicator")
    ReefHealthIndicator reefHealthIndicator(Reef reef) {
      return new ReefHealthIndicator(reef);
    }
  }
}
