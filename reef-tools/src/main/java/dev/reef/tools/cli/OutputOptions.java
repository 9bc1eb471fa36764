package dev.reef.tools.cli;

import picocli.CommandLine.Option;

/**
 * How a command prints what it found: text for people (the default), or JSON for scripts. {@code
 * --json} is short for {@code --format json}.
 */
final class OutputOptions {
  /** The formats every command offers. */
  enum Format { TEXT, JSON }

  @Option(names = "--json", description = "Print JSON for scripts (the same as --format json).")
  boolean json;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "text (default: for people) or json (for scripts).")
  Format format;

  /** True when the output is to be JSON. */
  boolean json() {
    return json || format == Format.JSON;
  }
}
