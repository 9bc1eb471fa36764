package com.example.quickstart;

import static dev.reef.test.SporeMatch.knowledgeType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reef.Channel;
import dev.reef.Reef;
import dev.reef.RemoteHandlerException;
import dev.reef.agent.AgentRuntime;
import dev.reef.test.ReefAssertions;
import dev.reef.test.ReefTest;
import dev.reef.test.SporeRecorder;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent alone, on a fresh in-memory Reef per test (reef-test's @ReefTest). */
@ReefTest
class QuoteAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private Channel shop;

  @BeforeEach
  void startTheAgent(Reef reef) {
    AgentRuntime.on(reef).register(new QuoteAgent(Map.of("coral", new BigDecimal("12.50")))).start("quotes", 1);
    shop = reef.channel("shop");
  }

  @Test
  void quotesWithRecordsInAndOut(Reef reef) {
    Quote quote = shop.request("test", "quotes", new QuoteRequest("coral", 4), Quote.class, WAIT).join();

    assertThat(quote.item()).isEqualTo("coral");
    assertThat(quote.total()).isEqualByComparingTo("50.00");
    ReefAssertions.assertSettledCleanly(reef, WAIT);
  }

  @Test
  void refusesWhatItDoesNotSellWithoutDeadLetters(Reef reef) {
    var reply = shop.request("test", "quotes", new QuoteRequest("pearls", 1), Quote.class, WAIT);

    assertThat(reply).failsWithin(WAIT).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(RemoteHandlerException.class,
            refused -> assertThat(refused.remoteMessage()).isEqualTo("no quote for 1 x pearls"));
    ReefAssertions.assertSettledCleanly(reef, WAIT);
  }

  @Test
  void broadcastsLargeOrders() {
    try (SporeRecorder audit = SporeRecorder.asAgent(shop, "audit")) {
      shop.request("test", "quotes", new QuoteRequest("coral", 100), Quote.class, WAIT).join();

      LargeOrder order = audit.await(knowledgeType(LargeOrder.TYPE), WAIT).knowledge(LargeOrder.class);

      assertThat(order.item()).isEqualTo("coral");
      assertThat(order.total()).isEqualByComparingTo("1250.00");
    }
  }
}
