package dev.reef.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reference: Vert.x's own event bus delivering the same 1 KB of JSON, as a {@link JsonObject},
 * from a thread that is not an event loop to a local consumer whose handler does nothing. This is
 * the cheapest in-JVM hand-off Vert.x offers (the local codec copies the object per delivery, as
 * Reef hands each handler its own spore); Reef adds spores, queues, acknowledgements, duplicate and
 * expiry checks, metrics and worker pools on top of a comparable hand-off.
 *
 * <p>{@linkplain #onWorker On a worker}, the consumer is registered from a worker deployment whose pool
 * has one thread, so that its handler runs there, as a Vert.x application runs a consumer that may
 * block, and as Reef runs a sequential agent's handler (SPEC §3.12): the same thread hand-off as
 * Reef's, where the plain consumer runs on an event loop.
 */
final class EventBusSide implements Side {
  /** The side's name with its consumer on an event loop. */
  static final String ON_EVENT_LOOP = "vertx-eventbus";
  /** The side's name with its consumer on a worker thread. */
  static final String ON_WORKER = "vertx-eventbus-worker";
  private static final String ADDRESS = "bench.sink";

  private final Vertx vertx;
  private final EventBus eventBus;
  private final MessageConsumer<JsonObject> consumer;
  private final JsonObject payload;
  private final int window;
  private final String name;
  private volatile Round round;

  private EventBusSide(JsonObject payload, int window, boolean worker) {
    this.payload = payload;
    this.window = window;
    this.vertx = Vertx.vertx();
    this.eventBus = vertx.eventBus();
    if (worker) {
      this.name = ON_WORKER;
      AtomicReference<MessageConsumer<JsonObject>> registered = new AtomicReference<>();
      DeploymentOptions options = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)
          .setWorkerPoolName("bench-eventbus-worker").setWorkerPoolSize(1);
      // Registered on the deployment's worker context, the consumer's handler runs on that context.
      vertx.deployVerticle(context -> {
        registered.set(eventBus.localConsumer(ADDRESS, message -> round.seen()));
        return registered.get().completion();
      }, options).await();
      this.consumer = registered.get();
    } else {
      this.name = ON_EVENT_LOOP;
      this.consumer = eventBus.localConsumer(ADDRESS, message -> round.seen());
      consumer.completion().await();
    }
  }

  /** The event bus with a consumer on an event loop. */
  static EventBusSide onEventLoop(JsonObject payload, int window) {
    return new EventBusSide(payload, window, false);
  }

  /** The event bus with a consumer on a worker pool of one thread. */
  static EventBusSide onWorker(JsonObject payload, int window) {
    return new EventBusSide(payload, window, true);
  }

  @Override
  public String name() {
    return name;
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
