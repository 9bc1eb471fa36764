package dev.reef.tools.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution runs the user's own agents (issue 13, acceptance 3): a class the examples do not
 * have, compiled by this test into a jar of its own, run with {@code reef run --classpath}; and the
 * HTTP server of that process (issue 16, acceptance 2) listens on 127.0.0.1 only and answers 401
 * without its token.
 */
class RunClasspathProcessIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Pattern READY = Pattern.compile("reef run: ready: (.*) on .*http://([0-9.]+):(\\d+)/.*");
  private static final String AGENT = """
      package com.acme;

      import dev.reef.agent.AgentDefinition;
      import dev.reef.agent.OnSpore;
      import dev.reef.spore.Spore;
      import dev.reef.spore.SporeType;
      import java.util.Map;

      /** An agent of the user's own, in a jar of its own. */
      @AgentDefinition(name = "acme-greeter", capabilities = "greeting")
      public final class MyAgent {
        public MyAgent() {}

        @OnSpore(respondsTo = "greet", types = SporeType.REQUEST)
        public Map<String, Object> greet(Spore request) {
          return Map.of("greeting", "hello, " + request.knowledge().getString("name"));
        }
      }
      """;

  @Test
  void runsAnAgentClassFromTheUsersOwnJarAndServesHttpOnLoopbackWithAToken(@TempDir Path dir) throws Exception {
    Path jar = buildAgentJar(dir);

    Process run = Distribution.start(Map.of("REEF_HTTP_TOKEN", "t0ken-" + ProcessHandle.current().pid()), List.of(
        "run", "--uri", "memory:", "--classpath", jar.toString(), "com.acme.MyAgent", "--http-port", "0"));
    try {
      Matcher ready = awaitReady(run);
      assertThat(ready.group(1)).isEqualTo("acme-greeter x1");
      String host = ready.group(2);
      int port = Integer.parseInt(ready.group(3));
      assertThat(host).isEqualTo("127.0.0.1");

      // Only the loopback address listens on the port (ss reads the kernel's socket table); Netty may bind
      // it as an IPv6 socket for the IPv4-mapped address, [::ffff:127.0.0.1], which is loopback too.
      List<String> listening = listeningAddresses(port);
      assertThat(listening).as("sockets listening on port %d", port).isNotEmpty().allMatch(address ->
          address.equals("127.0.0.1:" + port) || address.equals("[::ffff:127.0.0.1]:" + port));

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> missing = get(http, port, "/api/snapshot", null);
      HttpResponse<String> wrong = get(http, port, "/api/snapshot", "not-the-token");
      HttpResponse<String> right = get(http, port, "/api/snapshot", "t0ken-" + ProcessHandle.current().pid());
      assertThat(missing.statusCode()).isEqualTo(401);
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(right.body()).contains("\"agent\":\"acme-greeter\"", "\"knowledge_shown\":false");
      assertThat(get(http, port, "/health/ready", null).statusCode()).as("probes need no token").isEqualTo(200);
    } finally {
      run.destroy(); // SIGTERM: a graceful stop
      assertThat(run.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(run.exitValue()).isZero();
  }

  @Test
  void theClassPathCanAlsoComeFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path jar = buildAgentJar(dir);

    Process run = Distribution.start(Map.of("REEF_CLASSPATH", dir + "/*", "REEF_AGENTS", "com.acme.MyAgent=2"),
        List.of("run", "--uri", "memory:", "--http-port", "0"));
    try {
      assertThat(awaitReady(run).group(1)).isEqualTo("acme-greeter x2");
    } finally {
      run.destroy();
      run.waitFor(20, TimeUnit.SECONDS);
    }
    assertThat(jar).isRegularFile();
    Distribution.Result missing = Distribution.run(Map.of(), START, "run", "--uri", "memory:", "--classpath",
        dir.resolve("nope.jar").toString(), "com.acme.MyAgent");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.errLines()).singleElement().asString().contains("nope.jar does not exist");
  }

  /**
   * Knowledge stays off the dashboard's event stream unless {@code --http-show-knowledge} (issue 16,
   * acceptance 2): two agent JVMs on the broker, one of each, each sent a request with a secret by
   * another {@code reef} process.
   */
  @Test
  void knowledgeReachesTheEventStreamOnlyWhenEnabled(@TempDir Path dir) throws Exception {
    Path jar = buildAgentJar(dir);
    String namespace = "dist-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> broker = Map.of("REEF_AMQP_URI", brokerUri(), "REEF_NAMESPACE", namespace);
    Process hidden = Distribution.start(broker, List.of("run", "--classpath", jar.toString(), "com.acme.MyAgent",
        "--http-port", "0"));
    Process shown = Distribution.start(broker, List.of("run", "--classpath", jar.toString(), "com.acme.MyAgent",
        "--http-port", "0", "--http-show-knowledge"));
    try {
      int hiddenPort = Integer.parseInt(awaitReady(hidden).group(3));
      int shownPort = Integer.parseInt(awaitReady(shown).group(3));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (int port : new int[] {hiddenPort, shownPort}) { // each page observes the channel before the sends
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
            get(http, port, "/api/snapshot", null).body().contains("\"observed\":[\"main\"]"));
      }
      for (int i = 0; i < 2; i++) { // round-robin: one request reaches each JVM, both observe both
        Distribution.Result sent = Distribution.run(broker, START, "send", "--to", "acme-greeter", "--wait",
            "--knowledge", "{\"type\":\"greet\",\"name\":\"s3cret-name\"}");
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(sent.out()).contains("hello, s3cret-name");
      }

      String withoutKnowledge = events(http, hiddenPort);
      String withKnowledge = events(http, shownPort);

      assertThat(withoutKnowledge).contains("\"to\":\"acme-greeter\"").doesNotContain("s3cret-name");
      assertThat(withKnowledge).contains("\"to\":\"acme-greeter\"", "s3cret-name");
    } finally {
      hidden.destroy();
      shown.destroy();
      hidden.waitFor(20, TimeUnit.SECONDS);
      shown.waitFor(20, TimeUnit.SECONDS);
      Distribution.run(broker, START, "namespace", "delete", namespace, "--yes");
    }
  }

  /** The broker of REEF_AMQP_URI, else the local one. */
  private static String brokerUri() {
    String uri = System.getenv("REEF_AMQP_URI");
    return uri != null && !uri.isBlank() ? uri.trim() : "amqp://guest:guest@localhost:5672";
  }

  /** The dashboard's event stream until its first spores event (what the page shows of the recent spores). */
  private static String events(HttpClient http, int port) throws Exception {
    HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
    StringBuilder text = new StringBuilder();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        text.append(line).append('\n');
        if (line.startsWith("data: {\"spores\"") && line.contains("acme-greeter")) {
          break;
        }
      }
    }
    return text.toString();
  }

  /** Compiles {@link #AGENT} against the distribution's jars and packs it as {@code my-agents.jar}. */
  static Path buildAgentJar(Path dir) throws IOException {
    Path sources = Files.createDirectories(dir.resolve("src/com/acme"));
    Path source = Files.writeString(sources.resolve("MyAgent.java"), AGENT);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler").isNotNull();
    String libraries; // the compiler API does not expand lib/* as the javac launcher does
    try (Stream<Path> jars = Files.list(Distribution.home().resolve("lib"))) {
      libraries = String.join(java.io.File.pathSeparator, jars.filter(file -> file.toString().endsWith(".jar"))
          .map(Path::toString).toList());
    }
    int compiled = javac.run(null, null, null, "-d", classes.toString(), "-cp", libraries, "-parameters",
        source.toString());
    assertThat(compiled).as("javac exit code").isZero();
    Path jar = dir.resolve("my-agents.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path path : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(path));
        out.closeEntry();
      }
    }
    return jar;
  }

  /** The ready line of {@code run}'s stderr, parsed. */
  private static Matcher awaitReady(Process run) throws InterruptedException {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(run.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("(reading failed: " + e + ")");
      }
    }, "reef-run-stderr");
    reader.setDaemon(true);
    reader.start();
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null) {
        seen.add(line);
        Matcher matcher = READY.matcher(line);
        if (matcher.matches()) {
          return matcher;
        }
      } else if (!run.isAlive()) {
        break;
      }
    }
    throw new AssertionError("reef run was not ready within " + START + "; stderr: " + seen);
  }

  /** The local addresses listening on TCP {@code port}, as {@code ss -ltn} shows them. */
  private static List<String> listeningAddresses(int port) throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
    String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ss.exitValue()).as("ss: %s", output).isZero();
    List<String> addresses = new ArrayList<>();
    for (String line : output.lines().toList()) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length >= 4) {
        addresses.add(columns[3]); // State Recv-Q Send-Q Local-Address:Port Peer-Address:Port
      }
    }
    return addresses;
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
