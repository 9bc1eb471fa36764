/**
 * The multi-agent demo ({@link dev.reef.examples.ReefDemo}, {@code bin/demo}) and the main class of
 * the executable {@code reef.jar}; the distributed example is in {@code .distributed}.
 */
package dev.reef.examples;
