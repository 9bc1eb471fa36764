/**
 * Reef's test kit for JUnit 5: {@link dev.reef.test.ReefTest} gives each test its own Reef (in
 * memory, or on a RabbitMQ broker it finds), {@link dev.reef.test.SporeRecorder} awaits spores by
 * predicate and shows what it recorded when an expectation fails, and {@link
 * dev.reef.test.ReefAssertions} checks that a Reef has no dead letters and is quiescent.
 */
package dev.reef.test;
