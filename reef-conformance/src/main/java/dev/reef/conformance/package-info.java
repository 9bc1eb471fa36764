/**
 * The conformance suite: one abstract JUnit 5 class per delivery rule of SPEC §3 (plus priority and
 * entry-point validation), written against the public API only, so that every backend proves the
 * same rules with the same tests. A backend runs the suite by subclassing each class and returning
 * its {@link dev.reef.conformance.BackendFixture} from {@link
 * dev.reef.conformance.ConformanceTest#openFixture(String)}.
 */
package dev.reef.conformance;
