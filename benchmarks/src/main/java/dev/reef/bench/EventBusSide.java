package dev.reef.bench;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * The reference: Vert.x's own event bus delivering the same 1 KB of JSON, as a {@link JsonObject},
 * from a thread that is not an event loop to a local consumer whose handler does nothing. This is
 * the cheapest in-JVM hand-off Vert.x offers (the local codec copies the object per delivery, as
 * Reef hands each handler its own spore); Reef adds spores, queues, acknowledgements, duplicate and
 * expiry checks, metrics and worker pools on top of a comparable hand-off.
 */
final class EventBusSide implements Side {
  private static final String ADDRESS = "bench.sink";

  private final Vertx vertx;
  private final EventBus eventBus;
  private final MessageConsumer<JsonObject> consumer;
  private final JsonObject payload;
  private final int window;
  private volatile Round round;

  EventBusSide(JsonObject payload, int window) {
    this.payload = payload;
    this.window = window;
    this.vertx = Vertx.vertx();
    this.eventBus = vertx.eventBus();
    this.consumer = eventBus.localConsumer(ADDRESS, message -> round.seen());
    consumer.completion().await();
  }

  @Override
  public String name() {
    return "vertx-eventbus";
  }

  @Override
  public long deliver(int messages) throws Exception {
    Round current = new Round(messages, window);
    round = current;
    current.start();
    for (int i = 0; i < messages; i++) {
      current.beforeSend();
      eventBus.send(ADDRESS, payload);
    }
    return current.await(name(), 10, TimeUnit.MINUTES);
  }

  @Override
  public void close() {
    consumer.unregister().await();
    vertx.close().await();
  }
}
