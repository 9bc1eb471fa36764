package dev.reef.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the publisher reads which exchange the broker refused from a channel error's reply text. */
class ConfirmingPublisherTest {

  @Test
  void theRefusedExchangeIsReadFromRabbitMqsReplyTexts() {
    assertThat(ConfirmingPublisher.refusedExchange("NOT_FOUND - no exchange 'ns.ch.orders' in vhost '/'"))
        .isEqualTo("ns.ch.orders");
    assertThat(ConfirmingPublisher.refusedExchange(
        "ACCESS_REFUSED - access to exchange 'ns.ch.audit' in vhost 'prod' refused for user 'agents'"))
        .isEqualTo("ns.ch.audit");
    assertThat(ConfirmingPublisher.refusedExchange("PRECONDITION_FAILED - user_id property set to 'eve' but"
        + " authenticated user was 'reef'")).as("names no exchange").isNull();
    assertThat(ConfirmingPublisher.refusedExchange(null)).isNull();
  }
}
