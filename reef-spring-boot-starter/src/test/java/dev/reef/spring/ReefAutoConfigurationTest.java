package dev.reef.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Reef;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What the auto-configuration makes, and how it refuses what is wrong, with Boot's context runner. */
class ReefAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ReefAutoConfiguration.class));

  @Test
  void withNothingSetAReefInMemoryWithItsDefaults() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(Reef.class).hasSingleBean(ReefAgentsLifecycle.class)
          .hasSingleBean(ReefHealthIndicator.class);
      Reef reef = context.getBean(Reef.class);
      assertThat(reef.namespace()).isEqualTo("reef");
      assertThat(reef.isConnected()).isTrue();
    });
  }

  @Test
  void customizersChangeTheBuilder() {
    runner.withBean(ReefBuilderCustomizer.class, () -> builder -> builder.namespace("customized"))
        .run(context -> assertThat(context.getBean(Reef.class).namespace()).isEqualTo("customized"));
  }

  @Test
  void backsOffForTheApplicationsOwnReef() {
    Reef own = Reef.builder().namespace("own").build();
    runner.withBean(Reef.class, () -> own).run(context -> assertThat(context.getBean(Reef.class)).isSameAs(own));
    assertThat(own.isClosed()).as("the context closes the Reef bean it holds").isTrue();
  }

  @Test
  void theHealthIndicatorCanBeTurnedOff() {
    runner.withPropertyValues("management.health.reef.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ReefHealthIndicator.class));
  }

  @Test
  void refusesOptionsForAnAgentNoBeanDefines() {
    runner.withPropertyValues("reef.agents.nobody.instances=2").run(context -> assertThat(context).hasFailed()
        .getFailure().rootCause().hasMessageContaining("reef.agents configures [nobody], which no bean defines"));
  }

  @Test
  void refusesInvalidProperties() {
    runner.withPropertyValues("reef.namespace=no spaces").run(context -> assertThat(context).hasFailed()
        .getFailure().rootCause().hasMessageContaining("namespace"));
    runner.withPropertyValues("reef.heartbeat=10ms").run(context -> assertThat(context).hasFailed()
        .getFailure().rootCause().hasMessageContaining("heartbeat must be at least 50 ms"));
    runner.withPropertyValues("reef.uri=nosuch://x").run(context -> assertThat(context).hasFailed());
  }
}
