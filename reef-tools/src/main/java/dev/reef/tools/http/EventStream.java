package dev.reef.tools.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open server-sent-event streams of dashboard pages (a chunked {@code text/event-stream}
 * response each). A page that cannot keep up, its write queue full, misses events rather than
 * making the process buffer without bound: each missed event is counted in {@code
 * reef.dashboard.events.dropped} and logged. The next snapshot repairs the page.
 */
final class EventStream implements AutoCloseable {
  static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
  static final int MAX_CLIENTS = 64;
  private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

  private final Set<HttpServerResponse> clients = ConcurrentHashMap.newKeySet();
  private final Counter dropped;
  private volatile boolean closed;

  EventStream(MeterRegistry registry) {
    this.dropped = Counter.builder("reef.dashboard.events.dropped")
        .description("Dashboard events not sent to a page that was not keeping up")
        .register(registry);
  }

  /**
   * Opens a stream on {@code response} and sends it {@code initial} (formatted events) at once;
   * answers 503 when too many pages are open already.
   */
  void open(HttpServerResponse response, String initial) {
    if (closed || clients.size() >= MAX_CLIENTS) {
      response.setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(closed ? "shutting down" : "too many open dashboards (at most " + MAX_CLIENTS + ")");
      return;
    }
    response.setChunked(true)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no"); // proxies such as nginx would otherwise hold the events back
    response.closeHandler(ignored -> clients.remove(response));
    response.exceptionHandler(error -> {
      LOG.debug("dashboard event stream failed: {}", error.toString());
      clients.remove(response);
    });
    clients.add(response);
    response.write("retry: 2000\n\n" + initial);
  }

  /** One event, formatted: {@code data} must be a single line (compact JSON is). */
  static String event(String name, String data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }

  /** Sends {@code events} (formatted) to every open stream that keeps up. */
  void send(String events) {
    for (HttpServerResponse client : clients) {
      if (client.writeQueueFull()) {
        dropped.increment();
        LOG.debug("a dashboard page is not keeping up: an event was dropped for it");
        continue;
      }
      client.write(events).onFailure(error -> clients.remove(client));
    }
  }

  int size() {
    return clients.size();
  }

  /** Ends every stream. */
  @Override
  public void close() {
    closed = true;
    for (HttpServerResponse client : clients) {
      try {
        client.end();
      } catch (RuntimeException e) {
        LOG.debug("ending a dashboard event stream: {}", e.toString());
      }
    }
    clients.clear();
  }
}
