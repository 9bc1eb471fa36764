package com.example.quickstart;

import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /quotes/coral?quantity=3}: asks the quotes agent, wherever it runs, and returns its quote. */
@RestController
public class QuoteController {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Reef reef;

  public QuoteController(Reef reef) {
    this.reef = reef;
  }

  @GetMapping("/quotes/{item}")
  public Quote quote(@PathVariable String item, @RequestParam(defaultValue = "1") int quantity) {
    return reef.channel("shop").request("web", "quotes", new QuoteRequest(item, quantity), Quote.class, TIMEOUT).join();
  }

  /** The agent refused: the client asked for something that cannot be quoted. */
  @ExceptionHandler(CompletionException.class)
  @ResponseStatus(HttpStatus.UNPROCESSABLE_ENTITY)
  public String refused(CompletionException e) {
    if (e.getCause() instanceof RemoteHandlerException remote) {
      return remote.remoteMessage();
    }
    throw e;
  }
}
