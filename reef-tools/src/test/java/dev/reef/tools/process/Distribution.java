package dev.reef.tools.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The unpacked {@code reef} distribution that {@code mvn package} built ({@code reef.dist.home}), and
 * its {@code bin/reef} run as an operator runs it: a clean {@code REEF_*} environment plus what the
 * test gives.
 */
final class Distribution {
  private Distribution() {}

  /** The distribution's folder: {@code bin/reef}, {@code lib/}, {@code conf/}, {@code agents/}. */
  static Path home() {
    String configured = System.getProperty("reef.dist.home");
    if (configured == null) {
      throw new IllegalStateException("reef.dist.home is not set: the process tests run after `mvn package` "
          + "(they are part of `mvn verify`)");
    }
    Path home = Path.of(configured);
    if (!Files.isExecutable(home.resolve("bin/reef"))) {
      throw new IllegalStateException(home.resolve("bin/reef") + " is missing: run `mvn -pl reef-tools -am package`");
    }
    return home;
  }

  /** A process of {@code bin/reef args}, started. */
  static Process start(Map<String, String> environment, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(home().resolve("bin/reef").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(key -> key.startsWith("REEF_"));
    builder.environment().putAll(environment);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  /** What a finished command printed, and its exit code. */
  record Result(List<String> command, int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }

    @Override
    public String toString() {
      return "reef " + String.join(" ", command) + " -> exit " + exitCode + "\n  stdout: " + out + "\n  stderr: " + err;
    }
  }

  /** Runs {@code bin/reef args} to its end, at most {@code timeout}. */
  static Result run(Map<String, String> environment, Duration timeout, String... args) {
    Process process = start(environment, List.of(args));
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError("reef " + String.join(" ", args) + " did not end within " + timeout);
      }
      return new Result(List.of(args), process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (Exception e) {
      throw new AssertionError("reading the output of reef " + String.join(" ", args) + " failed", e);
    }
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(reading failed: " + e + ")";
      }
    });
  }
}
