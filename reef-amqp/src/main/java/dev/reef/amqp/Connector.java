package dev.reef.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.reef.ReefException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the connections of one backend as its {@link AmqpOptions} say: addresses, credentials, virtual
 * host, TLS, timeouts and automatic recovery. A connection the broker refuses fails with a {@link
 * ReefException} that names the cause (bad credentials, unknown virtual host, nothing listening, TLS)
 * and never quotes the password. What happens to an open connection (losses, recoveries, the
 * broker's flow control) is logged, and a connection the broker blocks is counted in {@link
 * BlockedConnections}' gauge while it lasts.
 */
final class Connector {
  private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
  private final AmqpOptions options;
  private final MeterRegistry meters;
  private final ConnectionFactory factory;
  private final List<Address> addresses;

  /**
   * @param meters where the gauge of blocked connections goes
   * @throws IllegalArgumentException when the TLS files cannot be read
   */
  Connector(AmqpOptions options, MeterRegistry meters) {
    this.options = options;
    this.meters = meters;
    this.factory = factory(options);
    this.addresses = addresses(options, factory);
  }

  /** The login of the connections: what RabbitMQ checks a message's {@code user_id} against. */
  String user() {
    return factory.getUsername();
  }

  /**
   * Opens one connection, named after the connection name and {@code role}.
   *
   * @throws ReefException naming why the broker could not be reached or refused the connection
   */
  Connection open(String role) {
    try {
      Connection connection = factory.newConnection(addresses, options.get(AmqpOption.CONNECTION_NAME) + "-" + role);
      watch(connection, role);
      return connection;
    } catch (IOException | TimeoutException e) {
      ReefException refused = new ReefException("could not connect to the broker at " + describe() + ": "
          + why(e));
      if (!Uris.quotesSecret(e, options.uri())) { // a cause quoting the password would print it with the stack trace
        refused.initCause(e);
      }
      throw refused;
    }
  }

  /** Logs what happens to a connection: losses, recoveries, and the broker's flow control. */
  private void watch(Connection connection, String role) {
    String broker = options.maskedUri();
    BlockedConnections blocked = BlockedConnections.of(meters, options.namespace(), role);
    connection.addShutdownListener(cause -> {
      blocked.unblocked(); // closed, or lost: a recovered connection starts unblocked
      if (!cause.isInitiatedByApplication()) {
        LOG.warn("lost the {} connection to {}: {}; recovering", role, broker, BrokerReason.of(cause));
      }
    });
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(new RecoveryListener() {
        @Override
        public void handleRecovery(Recoverable recovered) {
          LOG.info("recovered the {} connection to {}", role, broker);
        }

        @Override
        public void handleRecoveryStarted(Recoverable recovering) {}
      });
    }
    connection.addBlockedListener(
        reason -> {
          blocked.blocked();
          LOG.warn("the broker blocks the {} connection: a resource alarm ({}); sends are held back until it clears",
              role, reason);
        },
        () -> {
          blocked.unblocked();
          LOG.info("the broker unblocked the {} connection", role);
        });
  }

  /** The broker as it may be shown: URI (password masked), virtual host and addresses. */
  String describe() {
    return options.maskedUri() + " (virtual host '" + factory.getVirtualHost() + "', " + addresses + ")";
  }

  /** Why a connection failed, in the terms of its settings. */
  private String why(Exception error) {
    if (options.tls()) {
      String tls = TlsContexts.describeFailure(error, trustedBy(), options.sslContext().isPresent()
          || options.get(AmqpOption.KEY_STORE) != null, addresses.stream().map(Address::getHost).distinct().toList());
      if (tls != null) {
        return tls;
      }
    }
    String user = factory.getUsername();
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AuthenticationFailureException || cause instanceof PossibleAuthenticationFailureException) {
        return "the broker refused the login of user '" + user + "': bad user name or password ("
            + Uris.scrub(String.valueOf(cause.getMessage()), options.uri()) + ")";
      }
      if (cause instanceof ConnectException) {
        return "nothing is listening there (" + cause.getMessage() + "): is the broker running, and is this its AMQP"
            + " port?";
      }
      if (cause instanceof UnknownHostException) {
        return "unknown host " + cause.getMessage();
      }
      if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
        return "no answer within " + factory.getConnectionTimeout() + " ms (connection_timeout): the host may be"
            + " unreachable, or a firewall drops the connection";
      }
    }
    String reason = BrokerReason.of(error);
    if (reason.contains("NOT_ALLOWED") || reason.contains("vhost")) {
      return "the broker refused the virtual host '" + factory.getVirtualHost() + "' (" + reason + "): it does not"
          + " exist, or user '" + user + "' may not use it; the URI's path names the virtual host ('/' or no path:"
          + " the default virtual host '/')";
    }
    if (reason.contains("ACCESS_REFUSED")) {
      return "the broker refused the login of user '" + user + "' (" + reason + "): bad user name or password";
    }
    return Uris.scrub(reason, options.uri());
  }

  private String trustedBy() {
    Path ca = options.get(AmqpOption.CA_CERTIFICATES);
    return options.sslContext().isPresent() ? "the SSLContext given to the builder"
        : ca != null ? "the CA file " + ca
        : "the JVM's trust store (no cacertfile given)";
  }

  private static ConnectionFactory factory(AmqpOptions options) {
    URI uri = options.uri();
    ConnectionFactory factory = new ConnectionFactory();
    if (options.tls()) {
      factory.useSslProtocol(sslContext(options));
      if (options.get(AmqpOption.VERIFY_HOSTNAME)) {
        factory.enableHostnameVerification();
      }
    }
    factory.setHost(uri.getHost());
    factory.setPort(uri.getPort() != -1 ? uri.getPort()
        : options.tls() ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT);
    factory.setUsername(Uris.user(uri));
    factory.setPassword(Uris.password(uri));
    factory.setVirtualHost(Uris.virtualHost(uri));
    factory.setRequestedHeartbeat(options.get(AmqpOption.AMQP_HEARTBEAT));
    factory.setConnectionTimeout(options.get(AmqpOption.CONNECTION_TIMEOUT));
    factory.setRequestedChannelMax(options.get(AmqpOption.CHANNEL_MAX));
    // Every request to the broker has a deadline: without one the client waits ten minutes.
    factory.setChannelRpcTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE,
        options.get(AmqpOption.RPC_TIMEOUT).toMillis())));
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(options.get(AmqpOption.RECOVERY_INTERVAL).toMillis());
    factory.setMaxInboundMessageBodySize(AmqpOption.MAX_INBOUND_BODY_BYTES);
    return factory;
  }

  private static SSLContext sslContext(AmqpOptions options) {
    if (options.sslContext().isPresent()) {
      return options.sslContext().get();
    }
    Path ca = options.get(AmqpOption.CA_CERTIFICATES);
    Path keyStore = options.get(AmqpOption.KEY_STORE);
    if (ca != null || keyStore != null) {
      return TlsContexts.create(ca, keyStore, options.get(AmqpOption.KEY_STORE_PASSWORD).toCharArray());
    }
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no default TLS context", e);
    }
  }

  private static List<Address> addresses(AmqpOptions options, ConnectionFactory factory) {
    List<String> given = options.get(AmqpOption.ADDRESSES);
    if (given.isEmpty()) {
      return List.of(new Address(factory.getHost(), factory.getPort()));
    }
    return given.stream().map(Address::parseAddress)
        .map(address -> address.getPort() == -1 ? new Address(address.getHost(), factory.getPort()) : address)
        .toList();
  }
}
