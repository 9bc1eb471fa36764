package com.example.quickstart;

import dev.reef.HandlerContext;
import dev.reef.agent.AgentDefinition;
import dev.reef.agent.OnSpore;
import dev.reef.spore.SporeType;
import java.math.BigDecimal;
import java.util.Map;

/**
 * A typed agent: its handler takes each request's knowledge as a {@link QuoteRequest} record and
 * answers with a {@link Quote} record. An item it does not sell is refused for good ({@code replyError}): the
 * caller fails at once, nothing is retried or dead-lettered. A quote above {@value #LARGE} is also
 * broadcast as a {@link LargeOrder} to every other agent on the channel.
 */
@AgentDefinition(name = "quotes", channels = "shop")
public class QuoteAgent {
  static final int LARGE = 1000;

  private final Map<String, BigDecimal> prices;

  /** An agent with these unit prices. */
  public QuoteAgent(Map<String, BigDecimal> prices) {
    this.prices = Map.copyOf(prices);
  }

  @OnSpore(types = SporeType.REQUEST)
  Quote quote(QuoteRequest request, HandlerContext context) {
    BigDecimal unitPrice = prices.get(request.item());
    if (unitPrice == null || request.quantity() < 1) {
      context.replyError(new IllegalArgumentException("no quote for " + request.quantity() + " x " + request.item()));
      return null;
    }
    BigDecimal total = unitPrice.multiply(BigDecimal.valueOf(request.quantity()));
    if (total.compareTo(BigDecimal.valueOf(LARGE)) > 0) {
      context.broadcast(new LargeOrder(request.item(), total)).join();
    }
    return new Quote(request.item(), request.quantity(), unitPrice, total);
  }
}
