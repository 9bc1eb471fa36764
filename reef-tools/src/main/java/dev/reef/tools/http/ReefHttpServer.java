package dev.reef.tools.http;

import dev.reef.Reef;
import dev.reef.agent.AgentRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of an agent JVM (SPEC §6, §7), served on the Reef's own Vert.x:
 *
 * <ul>
 *   <li>{@value #LIVENESS_PATH}: 200 while the process serves;
 *   <li>{@value #READINESS_PATH}: 200 when the broker connection is up and the runtime's consumers
 *       run, else 503;
 *   <li>{@value #HEALTH_PATH}: both, with the readiness status code;
 *   <li>{@value #METRICS_PATH}: every meter of the registry in Prometheus text format;
 *   <li>{@code /}: a live dashboard (agents online, channels with rates, dead letters, recent spores),
 *       fed by server-sent events on {@value #EVENTS_PATH}; {@value #SNAPSHOT_PATH} gives the same
 *       data as one JSON document.
 * </ul>
 *
 * <p>The Reef must register its meters in the registry served here:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * Reef reef = Reef.builder().uri(brokerUri).meterRegistry(registry).build();
 * AgentRuntime runtime = AgentRuntime.on(reef);
 * ... register and start agents ...
 * try (ReefHttpServer http = ReefHttpServer.start(reef, runtime, registry, 8080)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Safe by default (SPEC §8): it binds {@code 127.0.0.1} unless told otherwise ({@link Builder#host});
 * spore knowledge is left out of the dashboard and {@value #EVENTS_PATH} unless {@link
 * Builder#showKnowledge} says otherwise; with {@link Builder#token} every request but the probes must
 * carry the token (see {@link HttpAccess}), else it gets 401. Dead letters can be opened, replayed and
 * purged from the dashboard ({@code /api/dead-letters/...}), through the Reef's {@code DeadLetters},
 * so the {@code Authorizer} decides.
 *
 * <p>Closing the server stops serving; it closes neither the Reef nor the runtime. Thread-safe.
 */
// SPEC §7 names the Prometheus simpleclient registry, which Micrometer marks deprecated in favour of
// its Prometheus 1.x client registry; the simpleclient one is the one in our stack.
@SuppressWarnings("deprecation")
public final class ReefHttpServer implements AutoCloseable {
  /** Liveness and readiness together; the status code is readiness's. */
  public static final String HEALTH_PATH = "/health";
  /** Liveness: 200 while the process serves requests. */
  public static final String LIVENESS_PATH = "/health/live";
  /** Readiness: 200 when connected to the broker with consumers running, else 503. */
  public static final String READINESS_PATH = "/health/ready";
  /** Prometheus text exposition format 0.0.4. */
  public static final String METRICS_PATH = "/metrics";
  /** Server-sent events feeding the dashboard: {@code snapshot} every second, {@code spores} as they pass. */
  public static final String EVENTS_PATH = "/events";
  /** The dashboard's data as one JSON document. */
  public static final String SNAPSHOT_PATH = "/api/snapshot";
  /** The port agent images expose and deployments probe. */
  public static final int DEFAULT_PORT = 8080;

  private static final Logger LOG = LoggerFactory.getLogger(ReefHttpServer.class);
  private static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String JSON = "application/json";

  private final HttpServer server;
  private final PrometheusMeterRegistry registry;
  private final HealthCheck health;
  private final Dashboard dashboard;
  private final Assets assets;
  private final Vertx vertx;
  private final String host;
  private final HttpAccess access;
  private final DeadLetterApi deadLetters;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ReefHttpServer(Builder builder) {
    this.vertx = builder.reef.vertx();
    this.registry = builder.registry;
    this.assets = Assets.load();
    this.health = new HealthCheck(builder.reef, builder.runtime);
    this.dashboard = new Dashboard(builder.reef, builder.runtime, health, vertx, builder.showKnowledge);
    AgentMeters.register(builder.reef, builder.registry,
        builder.runtime.agentNames().stream().map(builder.runtime::spec).toList());
    this.host = builder.host;
    this.access = new HttpAccess(builder.token);
    this.deadLetters = new DeadLetterApi(builder.reef, vertx, builder.showKnowledge, dashboard::deadLettersChanged);
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost(builder.host).setPort(builder.port))
        .requestHandler(this::handle);
    dashboard.start(); // before listening: the first request finds a snapshot
    try {
      server.listen().await();
    } catch (Exception e) { // await() rethrows the cause as it is, checked (BindException) or not
      dashboard.close();
      throw listenFailure(builder, e);
    }
    LOG.info("serving health, metrics and the dashboard on http://{}:{}/", builder.host, server.actualPort());
  }

  /**
   * Serves {@code reef}'s health, the meters of {@code registry} and the dashboard of {@code runtime}'s
   * agents on {@code port} of the loopback interface (0: any free port, see {@link #port()}).
   *
   * @throws IllegalArgumentException when the Reef does not register its meters in {@code registry},
   *     or the port is out of range
   * @throws IllegalStateException when the Reef or the runtime is closed
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static ReefHttpServer start(Reef reef, AgentRuntime runtime, PrometheusMeterRegistry registry, int port) {
    return builder(reef, runtime, registry).port(port).start();
  }

  /** A builder for a server with more options than {@link #start(Reef, AgentRuntime, PrometheusMeterRegistry, int)}. */
  public static Builder builder(Reef reef, AgentRuntime runtime, PrometheusMeterRegistry registry) {
    return new Builder(reef, runtime, registry);
  }

  /** The port served, the one chosen when started with port 0. */
  public int port() {
    return server.actualPort();
  }

  /** The address served ({@code 127.0.0.1} by default; {@code 0.0.0.0}: every interface). */
  public String host() {
    return host;
  }

  /** Stops serving: ends the event streams, stops observing channels, unbinds the port. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    dashboard.close();
    try {
      server.close().await();
    } catch (RuntimeException e) {
      LOG.debug("closing the HTTP server: {}", e.toString()); // Vert.x already closed with the Reef
    }
  }

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.putHeader("X-Content-Type-Options", "nosniff");
    String path = request.path();
    boolean post = request.method() == HttpMethod.POST;
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD && !post) {
      response.setStatusCode(405).putHeader("Allow", "GET, HEAD, POST").end();
      return;
    }
    switch (access.check(request)) {
      case UNAUTHORIZED -> {
        response.setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"reef\"")
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("401: this server asks for a token: 'Authorization: Bearer TOKEN', or open /?token=TOKEN once\n");
        return;
      }
      case ALLOWED_SET_COOKIE -> response.addCookie(access.cookie());
      case ALLOWED -> { }
    }
    if (path.startsWith(DeadLetterApi.PREFIX)) {
      if (post && !HttpAccess.actionAllowed(request)) {
        response.setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("403: a POST needs the header " + HttpAccess.ACTION_HEADER + "\n");
        return;
      }
      deadLetters.handle(request);
      return;
    }
    if (post) {
      response.setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
      return;
    }
    switch (path) {
      case LIVENESS_PATH -> json(response, 200, health.liveness());
      case READINESS_PATH -> {
        HealthCheck.Readiness readiness = health.readiness();
        json(response, readiness.ready() ? 200 : 503, readiness.toJson());
      }
      case HEALTH_PATH -> {
        HealthCheck.Readiness readiness = health.readiness();
        json(response, readiness.ready() ? 200 : 503, health.both(readiness));
      }
      case METRICS_PATH -> vertx.executeBlocking(registry::scrape).onComplete(scraped -> {
        if (scraped.succeeded()) {
          response.putHeader("Content-Type", PROMETHEUS_CONTENT_TYPE).putHeader("Cache-Control", "no-store")
              .end(scraped.result());
        } else {
          LOG.warn("scraping the meters failed: {}", scraped.cause().toString());
          response.setStatusCode(500).end("scrape failed: " + scraped.cause().getMessage());
        }
      });
      case EVENTS_PATH -> {
        if (request.method() == HttpMethod.HEAD) {
          response.putHeader("Content-Type", EventStream.CONTENT_TYPE).end();
        } else {
          dashboard.subscribe(response);
        }
      }
      case SNAPSHOT_PATH -> json(response, 200, dashboard.snapshotJson());
      default -> {
        Assets.Asset asset = assets.get(path);
        if (asset == null) {
          response.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
              .end("no such page: " + path);
        } else {
          response.putHeader("Content-Type", asset.contentType())
              .putHeader("Cache-Control", "no-cache")
              // Everything the page needs comes from here: no inline script, no other origin.
              .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
              .end(asset.content());
        }
      }
    }
  }

  private static void json(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status).putHeader("Content-Type", JSON).putHeader("Cache-Control", "no-store").end(body);
  }

  private static RuntimeException listenFailure(Builder builder, Exception e) {
    String where = builder.host + ":" + builder.port;
    if (e instanceof IOException io) {
      return new UncheckedIOException("could not serve HTTP on " + where + ": " + io.getMessage(), io);
    }
    return new IllegalStateException("could not serve HTTP on " + where + ": " + e, e);
  }

  /** True when {@code reef}'s meters land in {@code registry}, directly or through a composite. */
  private static boolean registersIn(MeterRegistry reefRegistry, MeterRegistry registry) {
    if (reefRegistry == registry) {
      return true;
    }
    if (reefRegistry instanceof CompositeMeterRegistry composite) {
      return composite.getRegistries().stream().anyMatch(child -> registersIn(child, registry));
    }
    return false;
  }

  /** Options for a {@link ReefHttpServer}. */
  public static final class Builder {
    private final Reef reef;
    private final AgentRuntime runtime;
    private final PrometheusMeterRegistry registry;
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private String token;
    private boolean showKnowledge;

    private Builder(Reef reef, AgentRuntime runtime, PrometheusMeterRegistry registry) {
      this.reef = Objects.requireNonNull(reef, "reef");
      this.runtime = Objects.requireNonNull(runtime, "runtime");
      this.registry = Objects.requireNonNull(registry, "registry");
      if (!registersIn(reef.meterRegistry(), registry)) {
        throw new IllegalArgumentException("the Reef registers its meters in " + reef.meterRegistry().getClass().getName()
            + ", not in the PrometheusMeterRegistry given: build it with Reef.builder().meterRegistry(registry)");
      }
    }

    /** The port (default {@value ReefHttpServer#DEFAULT_PORT}; 0: any free port). */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("HTTP port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The address to bind (default {@code 127.0.0.1}, this machine only; {@code 0.0.0.0}: every interface). */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("HTTP host must not be blank");
      }
      this.host = host.trim();
      return this;
    }

    /**
     * Asks every request (but the liveness and readiness probes) for {@code token}: as {@code
     * Authorization: Bearer TOKEN}, or once as {@code ?token=TOKEN} from a browser, which then gets a
     * cookie. Without it: 401.
     */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("HTTP token must not be blank or hold spaces");
      }
      this.token = token;
      return this;
    }

    /** Shows spore knowledge on the dashboard and in the event stream (default: not shown). */
    public Builder showKnowledge(boolean show) {
      this.showKnowledge = show;
      return this;
    }

    /**
     * Binds the port and starts serving.
     *
     * @throws IllegalStateException when the Reef or the runtime is closed
     * @throws UncheckedIOException when the port cannot be bound
     */
    public ReefHttpServer start() {
      if (reef.isClosed()) {
        throw new IllegalStateException("cannot serve a closed Reef");
      }
      if (runtime.isClosed()) {
        throw new IllegalStateException("cannot serve a closed AgentRuntime");
      }
      return new ReefHttpServer(this);
    }
  }
}
