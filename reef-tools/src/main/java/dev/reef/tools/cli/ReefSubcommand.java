package dev.reef.tools.cli;

import dev.reef.tools.launch.ReefConnection;
import dev.reef.tools.launch.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every {@code reef} command shares: the environment it reads settings from, its output
 * streams, settings resolution, and the way to report bad input (exit code 2).
 */
abstract class ReefSubcommand implements Callable<Integer> {
  private final Map<String, String> environment;

  @Spec
  CommandSpec spec;

  ReefSubcommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Resolves {@code flags} over the environment and the config file; a bad setting is bad input. */
  Settings settings(Settings flags, ConnectionOptions options) {
    try {
      return Settings.resolve(flags, options.config, environment);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** The environment variable {@code name}, or null. */
  String environment(String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Connects as {@code settings} say, for a tool that runs no agents. */
  ReefConnection connect(Settings settings) {
    try {
      return ReefConnection.open(settings, new SimpleMeterRegistry());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** A bad-input error of this command: one line on stderr, exit code 2. */
  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints a status line to stderr, prefixed with the command's name. */
  void status(String message) {
    PrintWriter err = err();
    err.println(spec.qualifiedName(" ") + ": " + message);
    err.flush();
  }
}
