package dev.reef.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

/** The broker's own words for why an operation failed: {@code "404 NOT_FOUND - no queue 'x'"}. */
final class BrokerReason {
  private BrokerReason() {}

  /** The reply code and text of the channel or connection close behind {@code error}, else its message. */
  static String of(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ShutdownSignalException signal) {
        Object reason = signal.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
          return close.getReplyCode() + " " + close.getReplyText();
        }
        if (reason instanceof AMQP.Connection.Close close) {
          return close.getReplyCode() + " " + close.getReplyText();
        }
        return String.valueOf(signal.getMessage());
      }
    }
    return String.valueOf(error.getMessage());
  }
}
