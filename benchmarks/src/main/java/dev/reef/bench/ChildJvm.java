package dev.reef.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM the benchmark starts for one role (a producer, a consumer, an agent process), on this JVM's
 * class path. Its standard output is read line by line; its standard error goes to this process's.
 * Closing it ends the process if it is still running: a benchmark never leaves JVMs behind.
 */
final class ChildJvm implements AutoCloseable {
  private static final String END = "\u0000end";

  private final String name;
  private final Process process;
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final PrintStream echo;

  private ChildJvm(String name, Process process, PrintStream echo) {
    this.name = name;
    this.process = process;
    this.echo = echo;
    Thread reader = new Thread(this::read, "bench-read-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} in a new JVM.
   *
   * @param echo where to copy the child's lines (prefixed with its name), or null
   */
  static ChildJvm start(String name, Class<?> main, List<String> jvmFlags, List<String> args, PrintStream echo)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(classPath());
    command.add(main.getName());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    return new ChildJvm(name, process, echo);
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  /**
   * Waits for a line that satisfies {@code wanted}; lines before it are skipped (and kept in {@link
   * #lines()}).
   *
   * @throws IllegalStateException when the process ends, or the time is up, first
   */
  String await(Predicate<String> wanted, String what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (;;) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? unread.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new IllegalStateException(name + ": no " + what + " within " + timeout.toSeconds() + " s");
      }
      if (line == END) {
        unread.add(END); // later waits fail fast too
        throw new IllegalStateException(name + " ended (exit code " + exitCode() + ") before printing " + what);
      }
      if (wanted.test(line)) {
        return line;
      }
    }
  }

  /** Waits for the line starting with {@code prefix}, and returns what follows it. */
  String awaitPrefix(String prefix, Duration timeout) throws InterruptedException {
    return await(line -> line.startsWith(prefix), "'" + prefix + "' line", timeout).substring(prefix.length()).trim();
  }

  /**
   * Waits for the process to end by itself.
   *
   * @throws IllegalStateException when it does not within {@code timeout} (it is then ended, after its
   *     threads are printed to standard error), or exits with a code other than 0
   */
  void awaitExit(Duration timeout) throws InterruptedException {
    awaitExit(timeout, System.err);
  }

  /** As {@link #awaitExit(Duration)}, printing a hung child's threads to {@code diagnostics}. */
  void awaitExit(Duration timeout, PrintStream diagnostics) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      printThreads(diagnostics);
      close();
      throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s; it was ended");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(name + " failed with exit code " + process.exitValue() + "; its last lines: "
          + tail());
    }
  }

  /** Closes the child's standard input: the roles that serve until told to stop end on it. */
  void endInput() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the process is gone already
    }
  }

  /** Every line the child has printed so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Ends the process, politely first (SIGTERM), if it is still running. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Prints the child's threads, with {@code jcmd} from this JDK: when a child hangs, what it was doing
   * before it is ended is the only trace of where it hung. {@code jcmd} writes to a file, not a pipe, so
   * that the wait for it keeps its deadline.
   */
  private void printThreads(PrintStream to) throws InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    to.println("[" + name + "] did not finish; its threads:");
    Path dump = null;
    try {
      dump = Files.createTempFile("reef-bench-threads-", ".txt");
      Process printing = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
          .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
      if (!printing.waitFor(30, TimeUnit.SECONDS)) {
        printing.destroyForcibly();
        to.println("[" + name + "] jcmd printed no threads within 30 s");
      }
      Files.readAllLines(dump, StandardCharsets.UTF_8).forEach(line -> to.println("[" + name + "] " + line));
    } catch (IOException e) {
      to.println("[" + name + "] its threads could not be printed with " + jcmd + ": " + e);
    } finally {
      if (dump != null) {
        try {
          Files.deleteIfExists(dump);
        } catch (IOException e) {
          // a temporary file left behind
        }
      }
    }
  }

  private void read() {
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
        unread.add(line);
        if (echo != null) {
          echo.println("  [" + name + "] " + line);
        }
      }
    } catch (IOException e) {
      lines.add("(reading the output failed: " + e + ")");
    } finally {
      unread.add(END);
    }
  }

  private String exitCode() {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private String tail() {
    List<String> all = lines();
    return String.join(" | ", all.subList(Math.max(0, all.size() - 5), all.size()));
  }

  /**
   * This JVM's class path: the URLs of the class loader that loaded the benchmarks when it is a
   * {@link URLClassLoader} (as under {@code mvn exec:java}), else {@code java.class.path}.
   */
  static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader loader = ChildJvm.class.getClassLoader(); loader != null; loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (URISyntaxException | IllegalArgumentException e) {
            entries.add(url.getPath());
          }
        }
      }
    }
    if (entries.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    return String.join(File.pathSeparator, entries);
  }
}
