package dev.reef.tools.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reef.AccessDeniedException;
import dev.reef.DeadLetter;
import dev.reef.Reef;
import dev.reef.ReplayOptions;
import dev.reef.ReplayRefusedException;
import dev.reef.spore.SporeJson;
import dev.reef.spore.Timestamps;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's dead-letter actions, through the Reef's {@link dev.reef.DeadLetters} so that the
 * {@link dev.reef.Authorizer} sees each one:
 *
 * <ul>
 *   <li>{@code GET /api/dead-letters/ID}: the dead letter, its error and its spore (knowledge only when shown);
 *   <li>{@code POST /api/dead-letters/ID/replay[?refresh_expiry=true]}: replays it, or says why not (409);
 *   <li>{@code POST /api/dead-letters/purge}: deletes every dead letter.
 * </ul>
 *
 * Each runs on a worker (a broker round trip may block) with a deadline.
 */
final class DeadLetterApi {
  static final String PREFIX = "/api/dead-letters/";
  private static final long DEADLINE_SECONDS = 30;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterApi.class);

  private final Reef reef;
  private final Vertx vertx;
  private final boolean showKnowledge;
  private final Runnable changed;

  /** {@code changed} runs after a replay or a purge, so that the dashboard lists the dead letters again. */
  DeadLetterApi(Reef reef, Vertx vertx, boolean showKnowledge, Runnable changed) {
    this.reef = reef;
    this.vertx = vertx;
    this.showKnowledge = showKnowledge;
    this.changed = changed;
  }

  /** Answers {@code request}, whose path starts with {@link #PREFIX}. */
  void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    String rest = request.path().substring(PREFIX.length());
    if (rest.equals("purge") && request.method() == HttpMethod.POST) {
      run(response, () -> {
        int purged = reef.deadLetters().purge();
        changed.run();
        return Answer.ok(json().put("purged", purged));
      });
    } else if (rest.endsWith("/replay") && request.method() == HttpMethod.POST) {
      String id = rest.substring(0, rest.length() - "/replay".length());
      boolean refresh = "true".equalsIgnoreCase(request.getParam("refresh_expiry"));
      run(response, () -> replay(id, refresh));
    } else if (!rest.isEmpty() && !rest.contains("/") && request.method() == HttpMethod.GET) {
      run(response, () -> find(rest).map(letter -> Answer.ok(detail(letter)))
          .orElseGet(() -> Answer.notFound(rest)));
    } else {
      response.setStatusCode(request.method() == HttpMethod.POST ? 404 : 405).putHeader("Allow", "GET, POST")
          .end();
    }
  }

  private Optional<DeadLetter> find(String id) {
    return reef.deadLetters().find(id);
  }

  private Answer replay(String id, boolean refresh) throws InterruptedException, TimeoutException {
    if (find(id).isEmpty()) {
      return Answer.notFound(id);
    }
    try {
      reef.deadLetters().replay(id, ReplayOptions.DEFAULT.refreshExpiry(refresh))
          .get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      changed.run();
      return Answer.ok(json().put("replayed", id));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ReplayRefusedException) {
        return new Answer(409, json().put("refused", id).put("reason", cause.getMessage()));
      }
      throw new CompletionException(cause);
    }
  }

  private ObjectNode detail(DeadLetter letter) {
    ObjectNode node = json();
    node.put("id", letter.id());
    node.put("channel", letter.channel());
    node.put("agent", letter.agent());
    node.put("attempts", letter.attempts());
    node.put("error", letter.error());
    node.put("at", Timestamps.format(letter.deadLetteredAt()));
    node.put("publisher", letter.publisher().orElse(null));
    node.put("knowledge_shown", showKnowledge);
    letter.spore().ifPresentOrElse(spore -> {
      ObjectNode tree = SporeJson.toTree(spore);
      if (!showKnowledge) {
        tree.remove("knowledge");
        tree.remove("metadata");
      }
      node.set("spore", tree);
    }, () -> node.putNull("spore"));
    if (showKnowledge) {
      node.put("raw_payload", letter.rawPayload().orElse(null));
    }
    return node;
  }

  /** A status code and a JSON body. */
  private record Answer(int status, ObjectNode body) {
    static Answer ok(ObjectNode body) {
      return new Answer(200, body);
    }

    static Answer notFound(String id) {
      return new Answer(404, json().put("error", "no dead letter '" + id + "'"));
    }
  }

  private interface Action {
    Answer run() throws Exception;
  }

  private void run(HttpServerResponse response, Action action) {
    vertx.executeBlocking(action::run, false).onComplete(done -> {
      Answer answer;
      if (done.succeeded()) {
        answer = done.result();
      } else {
        Throwable error = done.cause() instanceof CompletionException && done.cause().getCause() != null
            ? done.cause().getCause() : done.cause();
        int status = error instanceof AccessDeniedException ? 403 : error instanceof IllegalArgumentException ? 404 : 500;
        if (status == 500) {
          LOG.warn("a dashboard dead-letter action failed: {}", error.toString());
        }
        answer = new Answer(status, json().put("error", String.valueOf(error.getMessage())));
      }
      response.setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store").end(answer.body().toString());
    });
  }

  private static ObjectNode json() {
    return HealthCheck.MAPPER.createObjectNode();
  }
}
