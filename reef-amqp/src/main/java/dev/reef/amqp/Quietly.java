package dev.reef.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing broker channels and connections on the way out, where a failure to close changes nothing
 * (the broker drops the channel with its connection anyway): logged at debug, never thrown.
 */
final class Quietly {
  private static final Logger LOG = LoggerFactory.getLogger(Quietly.class);
  /** How long closing a connection waits for the broker's answer. */
  private static final int CONNECTION_CLOSE_TIMEOUT_MS = 5_000;

  private Quietly() {}

  /** Closes {@code channel} if it is open; {@code what} names it in the debug log. */
  static void close(Channel channel, String what) {
    if (channel == null || !channel.isOpen()) {
      return;
    }
    try {
      channel.close();
    } catch (IOException | TimeoutException | RuntimeException e) {
      LOG.debug("closing {}: {}", what, e.toString());
    }
  }

  /** Closes {@code connection} if it is open, waiting at most five seconds. */
  static void close(Connection connection) {
    if (connection == null || !connection.isOpen()) {
      return;
    }
    try {
      connection.close(CONNECTION_CLOSE_TIMEOUT_MS);
    } catch (IOException | RuntimeException e) {
      LOG.debug("closing connection {}: {}", connection.getClientProvidedName(), e.toString());
    }
  }
}
