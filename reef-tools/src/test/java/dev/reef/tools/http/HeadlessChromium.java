package dev.reef.tools.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One headless Chromium showing one page, driven over the DevTools protocol (a WebSocket, with the
 * JDK's client): evaluate JavaScript in the page, take screenshots. No WebDriver and no browser
 * library: the {@code chromium} binary is all it needs.
 */
final class HeadlessChromium implements AutoCloseable {
  static final String ENV = "REEF_CHROMIUM";
  private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final Path profile;
  private final List<String> output;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
  private volatile WebSocket page; // set once connected

  private HeadlessChromium(Process process, Path profile, List<String> output) {
    this.process = process;
    this.profile = profile;
    this.output = output;
  }

  /**
   * The Chromium binary: {@value #ENV} if set, else the first of {@code chromium}, {@code
   * chromium-browser}, {@code google-chrome} on the PATH.
   *
   * @throws IllegalStateException saying how to install it when there is none: the test fails, it is never skipped
   */
  static Path binary() {
    String configured = System.getenv(ENV);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured.trim());
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException(ENV + "=" + configured + " is not an executable file: point it at a Chromium"
            + " binary, or unset it to use chromium from the PATH (bin/ensure-chromium installs it)");
      }
      return path;
    }
    String pathVariable = System.getenv().getOrDefault("PATH", "");
    for (String name : NAMES) {
      for (String directory : pathVariable.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(directory, name);
        if (!directory.isEmpty() && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("""
        The dashboard test needs headless Chromium, and none was found (looked at $%s, then %s on the PATH).
        Install it with bin/ensure-chromium (Debian: apt-get install chromium), or set %s to the binary."""
        .formatted(ENV, NAMES, ENV));
  }

  /** Starts Chromium on {@code url} with a {@code width} x {@code height} window. */
  static HeadlessChromium open(String url, int width, int height) throws IOException, InterruptedException {
    Path binary = binary();
    Path profile = Files.createTempDirectory("reef-chromium-");
    List<String> command = List.of(binary.toString(),
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=" + width + "," + height, url);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      deleteQuietly(profile);
      throw e;
    }
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<String> browserEndpoint = new AtomicReference<>();
    CountDownLatch listening = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.add(line);
          Matcher matcher = LISTENING.matcher(line);
          if (matcher.find()) {
            browserEndpoint.set(matcher.group(1));
            listening.countDown();
          }
        }
      } catch (IOException e) {
        // the process ended: its output is complete
      }
      listening.countDown();
    }, "chromium-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!listening.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || browserEndpoint.get() == null) {
        throw new IllegalStateException("Chromium did not open its DevTools endpoint within " + START_TIMEOUT
            + "; its output:\n" + String.join("\n", output));
      }
      URI browser = URI.create(browserEndpoint.get());
      String pageEndpoint = pageEndpoint(browser, url);
      HeadlessChromium chromium = new HeadlessChromium(process, profile, output);
      chromium.page = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(pageEndpoint), chromium.new Listener())
          .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return chromium;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      destroy(process);
      deleteQuietly(profile);
      throw new IllegalStateException("could not drive Chromium: " + e + "; its output:\n" + String.join("\n", output), e);
    }
  }

  private static String pageEndpoint(URI browser, String url) throws InterruptedException {
    URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(list).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode target : JSON.readTree(response.body())) {
          if ("page".equals(target.path("type").asText()) && target.path("url").asText().startsWith(url)) {
            return target.path("webSocketDebuggerUrl").asText();
          }
        }
      } catch (IOException e) {
        // not answering yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Chromium shows no page for " + url);
  }

  /** Evaluates {@code expression} in the page and returns its value (JSON-serializable values only). */
  JsonNode evaluate(String expression) {
    ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
        .put("awaitPromise", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("the page threw evaluating " + expression + ": " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Saves a PNG of the viewport to {@code file}. */
  void screenshot(Path file) throws IOException {
    JsonNode result = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(result.path("data").asText()));
  }

  /** Chromium's log output so far, for failure messages. */
  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  private JsonNode call(String method, ObjectNode params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    calls.put(id, reply);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    page.sendText(message.toString(), true).join();
    try {
      JsonNode response = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (response.has("error")) {
        throw new IllegalStateException(method + " failed: " + response.get("error"));
      }
      return response.path("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + method, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(method + " got no answer: " + e, e);
    } finally {
      calls.remove(id);
    }
  }

  private void received(String message) {
    try {
      JsonNode node = JSON.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> reply = calls.get(node.get("id").asInt());
        if (reply != null) {
          reply.complete(node);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("DevTools sent something that is not JSON: " + message, e);
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder parts = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      parts.append(data);
      if (last) {
        String message = parts.toString();
        parts.setLength(0);
        received(message);
      }
      socket.request(1);
      return null;
    }
  }

  @Override
  public void close() {
    try {
      page.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // the browser goes away next anyway
    }
    destroy(process);
    deleteQuietly(profile);
  }

  /** Ends Chromium and the helper processes it started (renderer, GPU, zygote), by process id. */
  private static void destroy(Process process) {
    List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteQuietly(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
