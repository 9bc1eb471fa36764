package dev.reef.amqp.faults;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of the test's own, started from the installed {@code rabbitmq-server}, that a test
 * may stop, kill, restart and cut off at will without touching the shared broker on port 5672 or
 * any other node: its own node name, AMQP and distribution ports (free ones, on 127.0.0.1 only),
 * Erlang cookie, configuration (none of {@code /etc/rabbitmq} is read), no plugins, and data, logs
 * and pid file in a temporary directory that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (PrivateRabbitNode node = PrivateRabbitNode.start()) {
 *   Reef reef = Reef.builder().uri(node.amqpUri()).build();
 *   node.rabbitmqctl("close_all_connections", "test");   // every client connection cut
 *   node.restart();                                        // same data, same ports
 * }
 * }</pre>
 *
 * <p>Nodes meant to form a cluster share an Erlang cookie ({@link Builder#erlangCookie}); TLS
 * listeners and other settings go into the node's {@code rabbitmq.conf} ({@link Builder#config}).
 *
 * <p>The scripts are found in {@code REEF_RABBITMQ_SCRIPTS} (a directory holding {@code
 * rabbitmq-server} and {@code rabbitmqctl}), else on the {@code PATH} and in the usual system
 * directories. Debian's {@code /usr/sbin} entries are a wrapper that switches to the {@code
 * rabbitmq} user and the system node's files; the scripts it wraps are run directly instead.
 *
 * <p>A node not closed when the test JVM exits is closed (killed, its directory deleted) by a shutdown hook.
 */
public final class PrivateRabbitNode implements AutoCloseable {
  /** {@code port} and the client's {@code connection_name} of each connection, as rabbitmqctl prints them. */
  private static final Pattern CONNECTION = Pattern.compile(
      "^(\\d+)\\s.*?\\{\"connection_name\",\"([^\"]+)\"\\}", Pattern.MULTILINE);
  /** A whole pid, as the node writes it (the digits, without a newline). */
  private static final Pattern PID = Pattern.compile("\\d{1,10}");
  /** The user every fresh node has; it may connect from the loopback interface only, which is all we use. */
  public static final String USER = "guest";

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);

  private final String nodeName;
  private final int amqpPort;
  private final int distributionPort;
  private final Path directory;
  /** Where {@link #freePorts} chooses: below Linux's default ephemeral range (32768-60999). */
  private static final int FIRST_PORT = 20_000;
  private static final int END_PORT = 32_000;

  private final Path scripts;
  private final Map<String, String> environment;
  private final Duration startupTimeout;
  private final Thread closeOnExit;
  private Process server; // guarded by this
  private boolean closed; // guarded by this

  private PrivateRabbitNode(Builder builder) throws IOException {
    this.scripts = scriptsDirectory();
    this.nodeName = builder.namePrefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    int[] ports = freePorts(2);
    this.amqpPort = ports[0];
    this.distributionPort = ports[1];
    this.startupTimeout = builder.startupTimeout;
    this.directory = Files.createTempDirectory("reef-rabbit-");
    try {
      writeFiles(builder);
    } catch (IOException e) {
      deleteDirectory();
      throw e;
    }
    this.environment = environment();
    this.closeOnExit = new Thread(this::close, "close-private-rabbit-node");
    Runtime.getRuntime().addShutdownHook(closeOnExit);
  }

  /** Starts a node with the defaults and waits until it serves AMQP. */
  public static PrivateRabbitNode start() {
    return builder().start();
  }

  /** Settings for a node; {@link Builder#start()} starts it. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Erlang node name, {@code PREFIX-RANDOM@localhost}. */
  public String nodeName() {
    return nodeName;
  }

  /** The AMQP port on 127.0.0.1; the same across restarts. */
  public int amqpPort() {
    return amqpPort;
  }

  /** The Erlang distribution port on 127.0.0.1 (for the CLI and cluster peers). */
  public int distributionPort() {
    return distributionPort;
  }

  /** The URI of this node for {@link #USER}, e.g. {@code amqp://guest:guest@127.0.0.1:41234}. */
  public String amqpUri() {
    return "amqp://" + USER + ":" + USER + "@127.0.0.1:" + amqpPort;
  }

  /**
   * A plain client connection to this node as {@link #USER}, without automatic recovery, as a non-Reef
   * program would open it.
   *
   * @throws IllegalStateException when the node does not accept it
   */
  public Connection rawConnection(String connectionName) {
    try {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(amqpUri());
      factory.setAutomaticRecoveryEnabled(false);
      return factory.newConnection(connectionName);
    } catch (Exception e) {
      throw new IllegalStateException("cannot connect to " + nodeName + ": " + e.getMessage(), e);
    }
  }

  /** The node's temporary directory: data ({@code mnesia/}), logs ({@code log/}), configuration. */
  public Path directory() {
    return directory;
  }

  /** True while the node's process runs. */
  public synchronized boolean isRunning() {
    return server != null && server.isAlive();
  }

  /**
   * Runs {@code rabbitmqctl -n NODE ARGS...} against this node, e.g. {@code
   * rabbitmqctl("close_all_connections", "test")}.
   *
   * @return what the command printed
   * @throws IllegalStateException when it fails or takes more than a minute, with its output
   */
  public String rabbitmqctl(String... args) {
    Objects.requireNonNull(args, "args");
    List<String> command = new ArrayList<>(List.of(scripts.resolve("rabbitmqctl").toString(), "-n", nodeName));
    command.addAll(List.of(args));
    try {
      Process cli = process(command).redirectErrorStream(true).start();
      CompletableFuture<String> output = readAsync(cli.getInputStream());
      if (!cli.waitFor(CLI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        cli.destroyForcibly();
        throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " took more than " + CLI_TIMEOUT);
      }
      String printed = output.get(5, TimeUnit.SECONDS);
      if (cli.exitValue() != 0) {
        throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " on " + nodeName + " exited with "
            + cli.exitValue() + ":\n" + printed);
      }
      return printed;
    } catch (IOException e) {
      throw new UncheckedIOException("could not run rabbitmqctl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running rabbitmqctl", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read the output of rabbitmqctl: " + e, e);
    }
  }

  /**
   * The client connections of the node's cluster, as this node's CLI lists them: each client's
   * {@code connection_name} (Reef's {@code connection_name} URI option) to the port of the node it is on.
   */
  public Map<String, Integer> clientConnections() {
    String listing = rabbitmqctl("list_connections", "--quiet", "--no-table-headers", "port", "client_properties");
    Map<String, Integer> connections = new TreeMap<>();
    Matcher matcher = CONNECTION.matcher(listing);
    while (matcher.find()) {
      connections.put(matcher.group(2), Integer.parseInt(matcher.group(1)));
    }
    return connections;
  }

  /**
   * Stops the node as an operator would (clients see the connection closed by the broker); its data
   * stays for {@link #restart()}. Does nothing when it is not running.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    List<ProcessHandle> tree = tree(server);
    server.destroy(); // SIGTERM: the start script stops the node gracefully, then exits
    if (!awaitExit(tree, STOP_TIMEOUT)) {
      tree.forEach(ProcessHandle::destroyForcibly);
      awaitExit(tree, STOP_TIMEOUT);
    }
    server = null;
  }

  /** Kills the node at once, as a crash or a power cut would; its data stays for {@link #restart()}. */
  public synchronized void kill() {
    if (server == null) {
      return;
    }
    List<ProcessHandle> tree = tree(server);
    tree.forEach(ProcessHandle::destroyForcibly);
    awaitExit(tree, STOP_TIMEOUT);
    server = null;
  }

  /**
   * Starts the node again on the same data, name and ports, stopping it first if it runs.
   *
   * @throws IllegalStateException when it is closed, or does not start
   */
  public synchronized void restart() {
    ensureOpen();
    stop();
    boot();
  }

  /**
   * Kills the node and deletes its directory. No graceful stop: its data goes anyway, and the tests'
   * clients are closed by then. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      kill();
    } finally {
      deleteDirectory();
      try {
        Runtime.getRuntime().removeShutdownHook(closeOnExit);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
  }

  private synchronized void boot() {
    Path pidFile = directory.resolve("rabbitmq.pid");
    try {
      // A pid file left by a killed node would make the wait below trust a dead process.
      Files.deleteIfExists(pidFile);
      server = process(List.of(scripts.resolve("rabbitmq-server").toString()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("console.log").toFile()))
          .start();
      long deadline = System.nanoTime() + startupTimeout.toNanos();
      // `wait --pid` rather than `await_startup`, which fails at once while the node has not yet
      // registered its name; and the pid read here rather than `wait PIDFILE`, whose CLI fails with
      // garbage_in_pid_file when it reads the file between the node creating it and writing its pid
      // (a fresh-clone CI run saw it).
      long pid = awaitPid(pidFile, deadline);
      Process waiting = process(List.of(scripts.resolve("rabbitmqctl").toString(), "-n", nodeName, "wait",
          "--pid", Long.toString(pid), "--timeout",
          Long.toString(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())))))
          .redirectErrorStream(true).start();
      CompletableFuture<String> waitOutput = readAsync(waiting.getInputStream());
      CompletableFuture.anyOf(waiting.onExit(), server.onExit())
          .get(Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(10), TimeUnit.NANOSECONDS);
      if (!server.isAlive()) {
        waiting.destroyForcibly();
        throw startupFailure("the node exited with code " + server.exitValue() + " while starting", "");
      }
      waiting.onExit().get(10, TimeUnit.SECONDS);
      if (waiting.exitValue() != 0) {
        throw startupFailure("rabbitmqctl wait exited with " + waiting.exitValue(), waitOutput.get(5, TimeUnit.SECONDS));
      }
    } catch (IOException e) {
      kill();
      throw new UncheckedIOException("could not start RabbitMQ node " + nodeName + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException("interrupted while starting RabbitMQ node " + nodeName, e);
    } catch (ExecutionException | TimeoutException e) {
      kill();
      throw startupFailure("it did not start within " + startupTimeout, "");
    } catch (IllegalStateException e) {
      kill();
      throw e;
    }
  }

  /** The operating-system pid the starting node writes to {@code pidFile}, once it has written all of it. */
  private long awaitPid(Path pidFile, long deadline) throws IOException, InterruptedException {
    while (true) {
      if (Files.exists(pidFile)) {
        String written = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
        if (PID.matcher(written).matches()) {
          return Long.parseLong(written);
        }
      }
      if (!server.isAlive()) {
        throw startupFailure("the node exited with code " + server.exitValue() + " before writing its pid file", "");
      }
      if (System.nanoTime() - deadline > 0) {
        throw startupFailure("it wrote no pid to " + pidFile + " within " + startupTimeout, "");
      }
      Thread.sleep(50);
    }
  }

  private IllegalStateException startupFailure(String what, String cliOutput) {
    return new IllegalStateException("RabbitMQ node " + nodeName + " (AMQP port " + amqpPort + ") failed to start: "
        + what + (cliOutput.isBlank() ? "" : "\n" + cliOutput) + "\nlast lines of its console output:\n"
        + tail(directory.resolve("console.log"), 30));
  }

  private ProcessBuilder process(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    Map<String, String> env = builder.environment();
    // Nothing of an operator's own RabbitMQ settings may leak into the private node.
    env.keySet().removeIf(name -> name.startsWith("RABBITMQ_"));
    env.putAll(environment);
    return builder;
  }

  private Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", directory.toString()); // the node and the CLI read the Erlang cookie from $HOME
    env.put("RABBITMQ_NODENAME", nodeName);
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", Integer.toString(amqpPort));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distributionPort));
    env.put("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", directory.resolve("log").toString());
    env.put("RABBITMQ_PID_FILE", directory.resolve("rabbitmq.pid").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", directory.resolve("advanced.config").toString()); // absent
    env.put("RABBITMQ_CONF_ENV_FILE", directory.resolve("rabbitmq-env.conf").toString());
    env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
    env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    return env;
  }

  private void writeFiles(Builder builder) throws IOException {
    Files.writeString(directory.resolve("enabled_plugins"), "[" + String.join(",", builder.plugins) + "].\n");
    Files.writeString(directory.resolve("rabbitmq-env.conf"), "# empty: the environment sets everything\n");
    StringBuilder config = new StringBuilder();
    builder.config.forEach((key, value) -> config.append(key).append(" = ").append(value).append('\n'));
    Files.writeString(directory.resolve("rabbitmq.conf"), config.toString());
    Path cookie = directory.resolve(".erlang.cookie");
    Files.writeString(cookie, builder.erlangCookie);
    // Erlang refuses a cookie file that others can read.
    Files.setPosixFilePermissions(cookie, Set.of(PosixFilePermission.OWNER_READ));
  }

  private void deleteDirectory() {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + directory + ": " + e.getMessage(), e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("RabbitMQ node " + nodeName + " is closed");
    }
  }

  /** The start script and everything under it (the Erlang VM and its helpers). */
  private static List<ProcessHandle> tree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    return tree;
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ProcessHandle process : processes) {
      try {
        process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private static CompletableFuture<String> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = stream) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(output unreadable: " + e.getMessage() + ")";
      }
    });
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no " + file + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Distinct free TCP ports on the loopback interface (free now: the node binds them soon after),
   * chosen at random below the kernel's ephemeral range, which {@code bind(0)} and every outgoing
   * connection draw from: so that neither a client connecting meanwhile nor a test in another fork
   * asking at the same moment is likely to take one before the node binds it.
   */
  public static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try {
      int[] ports = new int[count];
      for (int i = 0, tries = 0; i < count; tries++) {
        if (tries == 1_000) {
          throw new UncheckedIOException(new IOException("no free port in [" + FIRST_PORT + ", " + END_PORT
              + ") after 1,000 tries"));
        }
        int port = random.nextInt(FIRST_PORT, END_PORT);
        try {
          sockets.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress())); // held until all are chosen
          ports[i++] = port;
        } catch (IOException taken) {
          // in use: another
        }
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          // a port we only looked at
        }
      }
    }
  }

  /** The directory of the real {@code rabbitmq-server} and {@code rabbitmqctl} scripts. */
  private static Path scriptsDirectory() {
    String configured = System.getenv("REEF_RABBITMQ_SCRIPTS");
    List<Path> candidates = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    } else {
      String path = System.getenv().getOrDefault("PATH", "");
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          candidates.add(Path.of(entry));
        }
      }
      candidates.addAll(List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"), Path.of("/usr/lib/rabbitmq/bin")));
    }
    for (Path candidate : candidates) {
      Path script = candidate.resolve("rabbitmq-server");
      if (Files.isExecutable(script)) {
        try {
          // Debian's entry is a symbolic link to a wrapper that sits among the real scripts.
          Path real = script.toRealPath().getParent();
          if (Files.isExecutable(real.resolve("rabbitmq-server")) && Files.isExecutable(real.resolve("rabbitmqctl"))
              && real.resolve("rabbitmq-server").toRealPath().equals(real.resolve("rabbitmq-server"))) {
            return real;
          }
        } catch (IOException e) {
          // a broken link: try the next candidate
        }
      }
    }
    throw new IllegalStateException("""
        A private RabbitMQ node needs RabbitMQ's scripts, and none were found%s.
        Install RabbitMQ (e.g. `apt-get install rabbitmq-server`; the system node need not run), or set
        REEF_RABBITMQ_SCRIPTS to the directory holding rabbitmq-server and rabbitmqctl.""".formatted(
        configured == null || configured.isBlank() ? " on the PATH or in /usr/sbin" : " in " + configured));
  }

  @Override
  public String toString() {
    return "PrivateRabbitNode[" + nodeName + ", AMQP port " + amqpPort + "]";
  }

  /** Settings of a private node. */
  public static final class Builder {
    private String namePrefix = "reef-test";
    private String erlangCookie = UUID.randomUUID().toString().replace("-", "").toUpperCase(java.util.Locale.ROOT);
    private final Map<String, String> config = new LinkedHashMap<>();
    private final List<String> plugins = new ArrayList<>();
    private Duration startupTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** The start of the node name (default {@code reef-test}); a random part and {@code @localhost} follow. */
    public Builder namePrefix(String prefix) {
      Objects.requireNonNull(prefix, "namePrefix");
      if (!prefix.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException("namePrefix must be 1-64 characters of A-Z a-z 0-9 _ -, got '" + prefix + "'");
      }
      this.namePrefix = prefix;
      return this;
    }

    /** The Erlang cookie (default: random); nodes of one cluster must share it. */
    public Builder erlangCookie(String cookie) {
      Objects.requireNonNull(cookie, "erlangCookie");
      if (!cookie.matches("[A-Za-z0-9]{8,255}")) {
        throw new IllegalArgumentException("erlangCookie must be 8-255 letters and digits");
      }
      this.erlangCookie = cookie;
      return this;
    }

    /** A {@code rabbitmq.conf} setting, e.g. {@code config("listeners.ssl.default", "5671")}. */
    public Builder config(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isBlank() || key.contains("\n") || value.contains("\n")) {
        throw new IllegalArgumentException("a config setting is one non-blank key and a one-line value");
      }
      config.put(key, value);
      return this;
    }

    /** A plugin to enable (default: none), e.g. {@code rabbitmq_stream}. */
    public Builder plugin(String plugin) {
      Objects.requireNonNull(plugin, "plugin");
      if (!plugin.matches("[a-z0-9_]{1,64}")) {
        throw new IllegalArgumentException("a plugin name is lower-case letters, digits and _, got '" + plugin + "'");
      }
      plugins.add(plugin);
      return this;
    }

    /**
     * Enables {@code rabbitmq_stream} on {@code port} of 127.0.0.1, advertised as such, so that the
     * stream protocol reaches this node from the test.
     */
    public Builder streams(int port) {
      plugin("rabbitmq_stream");
      config("stream.listeners.tcp.1", "127.0.0.1:" + port);
      config("stream.advertised_host", "127.0.0.1");
      config("stream.advertised_port", Integer.toString(port));
      return this;
    }

    /** How long the node may take to boot (default 60 s). */
    public Builder startupTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "startupTimeout");
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("startupTimeout must be at least a second, got " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Starts the node and waits until it has booted.
     *
     * @throws IllegalStateException when RabbitMQ is not installed or the node does not start (the
     *     message has the end of its console output); nothing is left behind
     */
    public PrivateRabbitNode start() {
      PrivateRabbitNode node;
      try {
        node = new PrivateRabbitNode(this);
      } catch (IOException e) {
        throw new UncheckedIOException("could not prepare a private RabbitMQ node: " + e.getMessage(), e);
      }
      try {
        node.boot();
        return node;
      } catch (RuntimeException e) {
        node.close();
        throw e;
      }
    }
  }
}
