package dev.reef.amqp;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.stream.Address;
import com.rabbitmq.stream.Environment;
import dev.reef.ReefException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects to RabbitMQ's stream protocol (plugin {@code rabbitmq_stream}, port 5552) with the
 * backend's credentials and virtual host, at {@link AmqpOption#STREAM_ADDRESSES} or the broker's hosts.
 * A node that advertises a host name this machine cannot resolve (a container's, a test node's) is
 * reached at the first stream address's host, on the port it advertises.
 */
final class StreamEnvironments {
  static final int DEFAULT_PORT = 5552;

  private StreamEnvironments() {}

  /**
   * @throws ReefException when no stream listener answers (the plugin is off, or the port is closed)
   */
  static Environment open(AmqpOptions options) {
    if (options.tls()) {
      throw new ReefException("channel history over TLS (amqps) is not supported yet: RabbitMQ streams are read"
          + " through the stream protocol, which this backend connects to without TLS only");
    }
    List<String> uris = new ArrayList<>();
    URI uri = options.uri();
    for (String address : addresses(options)) {
      uris.add("rabbitmq-stream://" + encode(Uris.user(uri)) + ":" + encode(Uris.password(uri)) + "@" + address + "/"
          + encode(Uris.virtualHost(uri)));
    }
    String fallbackHost = com.rabbitmq.client.Address.parseAddress(addresses(options).get(0)).getHost();
    try {
      return Environment.builder()
          .uris(uris)
          .addressResolver(advertised -> resolvable(advertised.host()) ? advertised
              : new Address(fallbackHost, advertised.port()))
          .maxConsumersByConnection(1) // a reader that waits holds up its own connection only
          .rpcTimeout(options.get(AmqpOption.RPC_TIMEOUT))
          .id("reef-" + options.get(AmqpOption.CONNECTION_NAME))
          .build();
    } catch (RuntimeException e) {
      throw new ReefException("could not connect to RabbitMQ's stream protocol at " + addresses(options)
          + " (channel history needs the rabbitmq_stream plugin: rabbitmq-plugins enable rabbitmq_stream): "
          + e.getMessage(), e);
    }
  }

  /** {@code host:port} of each stream listener to try. */
  static List<String> addresses(AmqpOptions options) {
    List<String> given = options.get(AmqpOption.STREAM_ADDRESSES);
    if (!given.isEmpty()) {
      return given.stream().map(address -> address.contains(":") ? address : address + ":" + DEFAULT_PORT).toList();
    }
    List<String> brokers = options.get(AmqpOption.ADDRESSES);
    if (brokers.isEmpty()) {
      String host = options.uri().getHost() == null ? ConnectionFactory.DEFAULT_HOST : options.uri().getHost();
      return List.of(host + ":" + DEFAULT_PORT);
    }
    return brokers.stream().map(address -> com.rabbitmq.client.Address.parseAddress(address).getHost() + ":"
        + DEFAULT_PORT).toList();
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static boolean resolvable(String host) {
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
