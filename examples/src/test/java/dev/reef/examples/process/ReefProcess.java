package dev.reef.examples.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One {@code bin/reef} process, as an operator starts it: the script, with {@code REEF_JAR} pointing
 * at the jar this build made (so the script never rebuilds in the middle of a test). Its output is
 * collected line by line. Closing it kills it and its descendants, whatever state it is in.
 */
final class ReefProcess implements AutoCloseable {
  /** Faster start for short-lived test JVMs; the agents' behaviour does not depend on the JIT tier. */
  private static final String JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private final String name;
  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<Thread> readers = new ArrayList<>();

  private ReefProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    readers.add(reader(process.getInputStream(), stdout, name + "-stdout"));
    readers.add(reader(process.getErrorStream(), stderr, name + "-stderr"));
  }

  /** Starts {@code bin/reef args} with {@code environment} added to a clean REEF_* environment. */
  static ReefProcess start(String name, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>();
    command.add(home().resolve("bin/reef").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(home().toFile());
    // The developer's own REEF_* settings must not leak into the test's processes.
    builder.environment().keySet().removeIf(key -> key.startsWith("REEF_"));
    builder.environment().put("REEF_JAR", jar().toString());
    builder.environment().put("REEF_JAVA_OPTS", JAVA_OPTS);
    builder.environment().putAll(environment);
    try {
      return new ReefProcess(name, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }

  /** Runs {@code bin/reef args} to its end (at most {@code timeout}). */
  static ReefProcess run(Map<String, String> environment, Duration timeout, String... args) {
    ReefProcess process = start("reef " + String.join(" ", args), environment, args);
    process.awaitExit(timeout);
    return process;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  List<String> stdout() {
    return List.copyOf(stdout);
  }

  List<String> stderr() {
    return List.copyOf(stderr);
  }

  /** The first line of stdout matching {@code condition}, waiting for it up to {@code timeout}. */
  String awaitStdout(Predicate<String> condition, Duration timeout) {
    return awaitLine(stdout, "stdout", condition, timeout);
  }

  /** The first line of stderr matching {@code condition}, waiting for it up to {@code timeout}. */
  String awaitStderr(Predicate<String> condition, Duration timeout) {
    return awaitLine(stderr, "stderr", condition, timeout);
  }

  private String awaitLine(List<String> lines, String stream, Predicate<String> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      while (checked < lines.size()) {
        String line = lines.get(checked++);
        if (condition.test(line)) {
          return line;
        }
      }
      if (System.nanoTime() > deadline || (!process.isAlive() && drained())) {
        throw new AssertionError("no expected line on " + stream + " of " + describe() + " within " + timeout);
      }
      sleep(20);
    }
  }

  /** Waits for the process to end and for its output to be read; returns the exit code. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(describe() + " did not end within " + timeout);
      }
      for (Thread reader : readers) {
        reader.join(5_000);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + name, e);
    }
  }

  int exitCode() {
    return process.exitValue();
  }

  /** Sends a signal ({@code TERM}, {@code STOP}, {@code CONT}, ...) with kill(1). */
  void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The name, state and output, for assertion messages. */
  String describe() {
    return name + " (pid " + process.pid() + ", " + (process.isAlive() ? "running" : "exit " + process.exitValue())
        + ")\n  stdout: " + tail(stdout) + "\n  stderr: " + tail(stderr);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      signal("CONT"); // a stopped process cannot die until it runs again
      process.destroyForcibly();
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean drained() {
    return readers.stream().noneMatch(Thread::isAlive);
  }

  private static List<String> tail(List<String> lines) {
    List<String> copy = List.copyOf(lines);
    return copy.subList(Math.max(0, copy.size() - 15), copy.size());
  }

  private static Thread reader(InputStream stream, List<String> lines, String name) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(reading failed: " + e + ")");
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The checkout: {@code reef.home} from the build, else the first directory up with {@code bin/reef}. */
  static Path home() {
    String configured = System.getProperty("reef.home");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("bin/reef"))) {
        return dir;
      }
    }
    throw new IllegalStateException("cannot find bin/reef above " + Path.of("").toAbsolutePath());
  }

  /** The jar {@code mvn package} made: {@code reef.jar} from the build, else examples/target/reef.jar. */
  static Path jar() {
    String configured = System.getProperty("reef.jar");
    Path jar = configured != null ? Path.of(configured) : home().resolve("examples/target/reef.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: the process tests run after `mvn package` "
          + "(they are part of `mvn verify`)");
    }
    return jar;
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
