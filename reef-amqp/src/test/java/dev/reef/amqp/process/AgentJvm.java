package dev.reef.amqp.process;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A separate JVM running {@link AgentProcess} on the test class path and the same JDK: the test
 * sends it commands and reads its {@link AgentEvent}s. Its standard error is copied to the test's,
 * each line prefixed with the JVM's label.
 *
 * <p>{@link #close()} always ends the JVM (forcibly if it does not stop in time), and a shutdown
 * hook ends those still running when the test JVM exits; an agent JVM also stops by itself when its
 * standard input ends, so that none outlives a test JVM that was killed.
 */
public final class AgentJvm implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(10);
  /** The count of a {@link #sendUntilHalted} stream: more than it can send before its halt. */
  private static final int OPEN_ENDED = 1_000_000;
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
        "destroy-agent-jvms"));
  }

  private final String label;
  private final Process process;
  private final Writer commands;
  private final Predicate<AgentEvent> sink;
  private final Object lock = new Object();
  private final List<AgentEvent> events = new ArrayList<>(); // guarded by lock
  private final Deque<String> lastErrors = new ArrayDeque<>(); // guarded by lock
  private boolean outputEnded; // guarded by lock

  private AgentJvm(String label, Process process, Predicate<AgentEvent> sink) {
    this.label = label;
    this.process = process;
    this.sink = sink;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    daemon(() -> readEvents(process.getInputStream()), "agent-jvm-events-" + label);
    daemon(() -> copyErrors(process.getErrorStream()), "agent-jvm-errors-" + label);
  }

  /** Describes a JVM to launch; {@code label} names it in logs and failure messages. */
  public static Builder builder(String label) {
    return new Builder(label);
  }

  /** The name given at launch. */
  public String label() {
    return label;
  }

  /** The operating system's id of the JVM. */
  public long pid() {
    return process.pid();
  }

  /** True while the JVM runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The JVM's exit code once it has ended; empty while it runs. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** Waits for {@code READY}: every agent instance subscribed. */
  public AgentJvm awaitReady(Duration timeout) {
    await(event -> event.kind().equals("READY"), "READY", timeout);
    return this;
  }

  /**
   * Starts a stream of knowledge spores with no end of its own ({@code send} with a count it never
   * reaches), {@code perSecond} per second, at most {@code window} unfinished (0: no limit). A test
   * ends it with {@link #haltSends} once the fault it injects mid-stream has come and gone, however
   * long that took.
   */
  public void sendUntilHalted(String batch, String from, String to, int perSecond, int window) {
    command("send", batch, from, to, Integer.toString(OPEN_ENDED), Integer.toString(perSecond),
        Integer.toString(window));
  }

  /**
   * Halts a stream started with {@link #sendUntilHalted}; returns how many spores it had sent, once it
   * says so ({@code SENDS_HALTED}, printed only by a stream halted before it ended). Each of them then
   * completes or fails: {@code SENDS_DONE} follows.
   */
  public int haltSends(String batch, Duration timeout) {
    command("halt", batch);
    return Integer.parseInt(await("SENDS_HALTED", batch, timeout).field(1));
  }

  /** Sends one command line (see {@link AgentProcess}), e.g. {@code command("send", "b1", "a", "b", "10", "0")}. */
  public void command(String... words) {
    String line = String.join(" ", words);
    try {
      commands.write(line + "\n");
      commands.flush();
    } catch (IOException e) {
      throw new IllegalStateException(label + " no longer takes commands (" + e.getMessage() + ")" + diagnostics(), e);
    }
  }

  /**
   * The first event, printed so far or from now on, that matches.
   *
   * @throws AssertionError when none comes within {@code timeout} or the JVM's output ends first
   */
  public AgentEvent await(Predicate<AgentEvent> condition, String description, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int scanned = 0;
    synchronized (lock) {
      while (true) {
        for (; scanned < events.size(); scanned++) {
          if (condition.test(events.get(scanned))) {
            return events.get(scanned);
          }
        }
        if (outputEnded) {
          throw new AssertionError(label + " ended before " + description + diagnostics());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(label + " printed no " + description + " within " + timeout + diagnostics());
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + description, e);
        }
      }
    }
  }

  /** The first {@code kind} event of {@code batch}; see {@link #await}. */
  public AgentEvent await(String kind, String batch, Duration timeout) {
    return await(event -> event.is(kind, batch), kind + " " + batch, timeout);
  }

  /** Waits until {@code expected} {@code kind} events of {@code batch} were printed. */
  public void awaitCount(String kind, String batch, long expected, Duration timeout) {
    long[] seen = {0}; // await tests each event once, in order: counting the matches as they pass
    if (expected > 0) {
      await(event -> event.is(kind, batch) && ++seen[0] >= expected, expected + " " + kind + " " + batch, timeout);
    }
  }

  /**
   * Waits until nothing is queued for, or held by, the JVM's agent instances (so that what it handled
   * is final), using a fresh {@code batch} name for the exchange.
   *
   * @return false when it was still busy after {@code timeout}
   */
  public boolean quiesce(String batch, Duration timeout) {
    command("quiesce", batch, Long.toString(timeout.toMillis()));
    return Boolean.parseBoolean(await("QUIET", batch, timeout.plusSeconds(5)).field(1));
  }

  /** The JVM's Reef counters now, by name ({@code handled}, {@code duplicates}, ...; see {@link AgentProcess}). */
  public Map<String, Long> stats(String batch, Duration timeout) {
    command("stats", batch);
    Map<String, Long> stats = new LinkedHashMap<>();
    List<String> fields = await("STATS", batch, timeout).fields();
    for (String field : fields.subList(1, fields.size())) {
      String[] nameAndValue = field.split("=");
      stats.put(nameAndValue[0], Long.parseLong(nameAndValue[1]));
    }
    return stats;
  }

  /**
   * When this JVM's directory last heard from an instance of {@code agent} that another JVM runs (its
   * wall clock), or null when it never did; {@code batch} labels the question and must be new.
   */
  public Instant lastHeard(String batch, String agent, Duration timeout) {
    command("heard", batch, agent);
    long millis = Long.parseLong(await("HEARD", batch, timeout).fields().get(2));
    return millis < 0 ? null : Instant.ofEpochMilli(millis);
  }

  /** The {@code kind} events of {@code batch} printed so far. */
  public List<AgentEvent> events(String kind, String batch) {
    return events(event -> event.is(kind, batch));
  }

  /** The events printed so far that match. */
  public List<AgentEvent> events(Predicate<AgentEvent> condition) {
    synchronized (lock) {
      return events.stream().filter(condition).collect(Collectors.toList());
    }
  }

  /** How many {@code kind} events of {@code batch} were printed so far. */
  public long count(String kind, String batch) {
    synchronized (lock) {
      return events.stream().filter(event -> event.is(kind, batch)).count();
    }
  }

  /** The instance ids of the local instances of {@code agent}. */
  public List<String> instances(String agent) {
    return events(event -> event.kind().equals("INSTANCE") && event.field(0).equals(agent)).stream()
        .map(event -> event.field(1)).collect(Collectors.toList());
  }

  /**
   * Asks the JVM to stop as a deployment would (in-flight handlers finish, then the Reef closes) and
   * waits for it to exit.
   *
   * @return the exit code
   * @throws AssertionError when it does not exit within {@code timeout} (it is then ended forcibly)
   */
  public int stop(Duration timeout) {
    if (process.isAlive()) {
      try {
        command("stop");
      } catch (IllegalStateException e) {
        // its input is already closed: it is exiting anyway
      }
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        destroy();
        throw new AssertionError(label + " did not stop within " + timeout + diagnostics());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroy();
      throw new AssertionError("interrupted while stopping " + label, e);
    }
    RUNNING.remove(process);
    return process.exitValue();
  }

  /**
   * Kills the JVM at once with {@code SIGKILL}, as {@code kill -9} would: no handler finishes, nothing
   * is acknowledged, its connections just drop. Waits until it is gone.
   */
  public void kill() {
    destroy();
    if (process.isAlive()) {
      throw new AssertionError(label + " survived SIGKILL" + diagnostics());
    }
  }

  /** Stops the JVM, forcibly when it does not stop within a few seconds. Idempotent. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      RUNNING.remove(process);
      return;
    }
    try {
      stop(GRACE);
    } catch (AssertionError e) {
      System.err.println("[" + label + "] ended forcibly: " + e.getMessage());
    }
  }

  private void destroy() {
    process.destroyForcibly();
    try {
      process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(process);
  }

  private void readEvents(InputStream output) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        AgentEvent event = AgentEvent.parse(line);
        if (sink != null && sink.test(event)) {
          continue; // taken by the sink: a long run does not keep millions of events
        }
        synchronized (lock) {
          events.add(event);
          lock.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    } finally {
      synchronized (lock) {
        outputEnded = true;
        lock.notifyAll();
      }
    }
  }

  private void copyErrors(InputStream errors) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(errors, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        System.err.println("[" + label + "] " + line);
        synchronized (lock) {
          lastErrors.addLast(line);
          if (lastErrors.size() > 30) {
            lastErrors.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  private String diagnostics() {
    synchronized (lock) {
      String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
      Map<String, Long> failedSends = events.stream().filter(event -> event.kind().equals("SEND_FAILED"))
          .collect(Collectors.groupingBy(event -> event.field(3), TreeMap::new, Collectors.counting()));
      return " (" + label + ", pid " + process.pid() + ", " + exit + "; " + events.size() + " events"
          + (failedSends.isEmpty() ? "" : "; failed sends by error: " + failedSends)
          + (lastErrors.isEmpty() ? "" : "; last standard error lines:\n  " + String.join("\n  ", lastErrors)) + ")";
    }
  }

  private static void daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public String toString() {
    return "AgentJvm[" + label + ", pid " + process.pid() + "]";
  }

  /**
   * The test's class path with this project's own entries (class directories, and snapshot jars in
   * the local repository) replaced by copies taken once per test JVM: a module rebuilt or re-installed
   * while a test runs would otherwise change the classes under a running agent JVM, which then fails
   * to load them. The copies are deleted when the test JVM exits.
   */
  private static final class ClassPathSnapshot {
    static final String CLASS_PATH = snapshot(System.getProperty("java.class.path"));

    private static String snapshot(String classPath) {
      try {
        Path copies = Files.createTempDirectory("reef-agent-jvm-classpath-");
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
          Path source = Path.of(entry);
          boolean ours = Files.isDirectory(source) || entry.endsWith("-SNAPSHOT.jar") && Files.isRegularFile(source);
          if (ours) {
            Path copy = copies.resolve(entries.size() + "-" + source.getFileName());
            copyTree(source, copy);
            entries.add(copy.toString());
          } else {
            entries.add(entry);
          }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copies), "delete-agent-jvm-classpath"));
        return String.join(File.pathSeparator, entries);
      } catch (IOException e) {
        throw new UncheckedIOException("could not copy the test class path: " + e.getMessage(), e);
      }
    }

    private static void copyTree(Path source, Path target) throws IOException {
      try (java.util.stream.Stream<Path> paths = Files.walk(source)) {
        for (Path path : paths.toList()) {
          Files.copy(path, target.resolve(source.relativize(path).toString()));
        }
      }
    }

    private static void deleteTree(Path root) {
      try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        // a temporary directory: the system cleans it up eventually
      }
    }
  }

  /** What to run in the JVM: the broker, namespace, channel and agent instances. */
  public static final class Builder {
    private final String label;
    private String mainClass = AgentProcess.class.getName();
    private String brokerUri;
    private String namespace;
    private String channel;
    private final Map<String, Integer> agents = new LinkedHashMap<>();
    private Integer concurrency;
    private Integer prefetch;
    private Duration handlerDelay;
    private Duration heartbeat;
    private boolean hold;
    private Duration handlerTimeout;
    private Integer maxAttempts;
    private String maxHeap = "256m";
    private final List<String> jvmOptions = new ArrayList<>();
    private Predicate<AgentEvent> sink;

    private Builder(String label) {
      this.label = Objects.requireNonNull(label, "label");
    }

    /**
     * Runs {@code main} instead of {@link AgentProcess}: a main class of the test class path that takes
     * the same arguments and speaks the same line protocol (at least {@code READY} and {@code stop}).
     */
    public Builder mainClass(Class<?> main) {
      this.mainClass = Objects.requireNonNull(main, "mainClass").getName();
      return this;
    }

    /** The broker, given to the JVM as {@code REEF_AMQP_URI} (never on its command line). */
    public Builder brokerUri(String uri) {
      this.brokerUri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** The namespace of the JVM's Reef; a test uses a random one and deletes it afterwards. */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return this;
    }

    /** The one channel the JVM's agents subscribe to and its commands send on. */
    public Builder channel(String channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /** Runs {@code instances} instances of agent {@code name}; a JVM without agents only sends. */
    public Builder agent(String name, int instances) {
      if (instances < 1) {
        throw new IllegalArgumentException("instances must be at least 1, got " + instances);
      }
      agents.put(Objects.requireNonNull(name, "name"), instances);
      return this;
    }

    /** Handles spores on a pool of {@code poolSize} threads per instance (default: one at a time). */
    public Builder concurrency(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
      }
      this.concurrency = poolSize;
      return this;
    }

    /** How many unfinished spores each instance may hold (default: Reef's). */
    public Builder prefetch(int prefetch) {
      if (prefetch < 1) {
        throw new IllegalArgumentException("prefetch must be at least 1, got " + prefetch);
      }
      this.prefetch = prefetch;
      return this;
    }

    /** The Reef's presence heartbeat (default Reef's, 5 s). */
    public Builder heartbeat(Duration heartbeat) {
      Objects.requireNonNull(heartbeat, "heartbeat");
      if (heartbeat.isZero() || heartbeat.isNegative()) {
        throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
      }
      this.heartbeat = heartbeat;
      return this;
    }

    /** Makes every handler run take {@code delay}: a slow consumer. */
    public Builder handlerDelay(Duration delay) {
      Objects.requireNonNull(delay, "handlerDelay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("handlerDelay must not be negative, got " + delay);
      }
      this.handlerDelay = delay;
      return this;
    }

    /**
     * Makes every handler print {@code HOLDING} and block until {@link AgentJvm#stop}: the JVM holds
     * unfinished spores, up to its prefetch (for a test that kills it).
     */
    public Builder holdHandlers() {
      this.hold = true;
      return this;
    }

    /** Every handler run may take at most {@code timeout} (default: as long as it takes). */
    public Builder handlerTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "handlerTimeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("handlerTimeout must be positive, got " + timeout);
      }
      this.handlerTimeout = timeout;
      return this;
    }

    /** Handles each spore at most {@code attempts} times, 100 ms apart, then dead-letters it (default: Reef's). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** The JVM's maximum heap, e.g. {@code 64m} (default {@code 256m}). */
    public Builder maxHeap(String size) {
      Objects.requireNonNull(size, "maxHeap");
      if (!size.matches("\\d+[kmgKMG]?")) {
        throw new IllegalArgumentException("maxHeap must look like 64m, got '" + size + "'");
      }
      this.maxHeap = size;
      return this;
    }

    /** An extra JVM option, e.g. {@code -XX:+ExitOnOutOfMemoryError}. */
    public Builder jvmOption(String option) {
      Objects.requireNonNull(option, "jvmOption");
      if (!option.startsWith("-")) {
        throw new IllegalArgumentException("a JVM option starts with '-', got '" + option + "'");
      }
      jvmOptions.add(option);
      return this;
    }

    /**
     * Offers each event, as it is read, to {@code sink} first (on the thread that reads the JVM's
     * output, so the sink must be thread-safe and quick). An event the sink takes (returns true for)
     * is not kept: {@link AgentJvm#await}, {@link AgentJvm#events} and {@link AgentJvm#count} never
     * see it. For runs too long to keep every event, e.g. a soak that counts spores itself.
     */
    public Builder eventSink(Predicate<AgentEvent> sink) {
      this.sink = Objects.requireNonNull(sink, "eventSink");
      return this;
    }

    /** Starts the JVM; {@link AgentJvm#awaitReady} tells when its agents are subscribed. */
    public AgentJvm launch() {
      Objects.requireNonNull(brokerUri, "brokerUri");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(channel, "channel");
      List<String> command = new ArrayList<>(List.of(javaExecutable(),
          // A small, quickly started JVM: the machine running the tests may have two cores.
          "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      command.addAll(jvmOptions);
      command.addAll(List.of(
          "-Dlogback.configurationFile=" + resource("reef-agent-process-logback.xml"),
          "-cp", ClassPathSnapshot.CLASS_PATH,
          mainClass,
          "--namespace=" + namespace, "--channel=" + channel));
      if (!agents.isEmpty()) {
        command.add("--agents=" + agents.entrySet().stream().map(agent -> agent.getKey() + ":" + agent.getValue())
            .collect(Collectors.joining(",")));
      }
      if (concurrency != null) {
        command.add("--concurrency=" + concurrency);
      }
      if (prefetch != null) {
        command.add("--prefetch=" + prefetch);
      }
      if (heartbeat != null) {
        command.add("--heartbeat-ms=" + heartbeat.toMillis());
      }
      if (handlerDelay != null) {
        command.add("--handler-delay-ms=" + handlerDelay.toMillis());
      }
      if (hold) {
        command.add("--hold=true");
      }
      if (handlerTimeout != null) {
        command.add("--handler-timeout-ms=" + handlerTimeout.toMillis());
      }
      if (maxAttempts != null) {
        command.add("--max-attempts=" + maxAttempts);
      }
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().put("REEF_AMQP_URI", brokerUri);
      try {
        Process process = builder.start();
        RUNNING.add(process);
        return new AgentJvm(label, process, sink);
      } catch (IOException e) {
        throw new UncheckedIOException("could not launch agent JVM " + label + ": " + e.getMessage(), e);
      }
    }

    private static String javaExecutable() {
      return ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String resource(String name) {
      URL url = AgentJvm.class.getResource("/" + name);
      if (url == null) {
        throw new IllegalStateException("test resource " + name + " is missing from the class path");
      }
      return url.toString();
    }
  }
}
