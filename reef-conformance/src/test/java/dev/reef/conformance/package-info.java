/**
 * The conformance suite: one JUnit 5 class per rule of SPEC §3 (plus priority, entry-point
 * validation, the directory, observing, authorization, typed knowledge and the backend SPI itself),
 * each run once on every {@link dev.reef.conformance.TestedBackend} through JUnit's
 * {@code @ParameterizedClass}, so that every backend proves the same rules with the same tests.
 *
 * <p>A run gets a {@link dev.reef.conformance.BackendFixture}: a fresh namespace, Reefs and bare SPI
 * connections made from a URI through the providers {@link java.util.ServiceLoader} finds, and the
 * namespace's broker objects removed afterwards. The rule classes use the public API only ({@link
 * dev.reef.conformance.BackendSpiConformance} the SPI); a new backend joins with one constant in
 * {@code TestedBackend}.
 */
package dev.reef.conformance;
