/**
 * Spring Boot 3 auto-configuration for Reef: {@code reef.*} properties ({@link
 * dev.reef.spring.ReefProperties}), a {@link dev.reef.Reef} bean on the application's meter
 * registry and Jackson mapper, {@link dev.reef.agent.AgentDefinition} and {@link
 * dev.reef.agent.AgentSpec} beans run as agents with a graceful drain on shutdown ({@link
 * dev.reef.spring.ReefAgentsLifecycle}), and a health indicator ({@link
 * dev.reef.spring.ReefHealthIndicator}).
 */
package dev.reef.spring;
